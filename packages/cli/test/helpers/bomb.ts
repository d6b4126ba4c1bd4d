import { constants, createDeflate } from 'node:zlib';

const cache = new Map<number, Promise<Buffer>>();

/**
 * A zlib stream of `bytes` zeros, deflated as a stream from one reused 1 MiB buffer (run-length
 * strategy, about 0.7 s and 1 MiB of output for 1 GiB): a "zip bomb" for the decoders' limits.
 * Cached per size for the test file.
 */
export function zlibBomb(bytes: number): Promise<Buffer> {
  let made = cache.get(bytes);
  if (made === undefined) {
    made = new Promise<Buffer>((resolve, reject) => {
      const deflate = createDeflate({ level: 9, strategy: constants.Z_RLE, chunkSize: 1 << 20 });
      const chunks: Buffer[] = [];
      deflate.on('data', (c: Buffer) => chunks.push(c));
      deflate.on('end', () => resolve(Buffer.concat(chunks)));
      deflate.on('error', reject);
      const zeros = Buffer.alloc(Math.min(bytes, 1 << 20));
      for (let left = bytes; left > 0; left -= zeros.length)
        deflate.write(left >= zeros.length ? zeros : zeros.subarray(0, left));
      deflate.end();
    });
    cache.set(bytes, made);
  }
  return made;
}
