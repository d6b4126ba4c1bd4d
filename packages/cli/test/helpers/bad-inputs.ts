/**
 * The files of the bad-input catalogue: damaged and mismatched checkpoints, damaged and
 * oversized images, and paths that are not regular files. Each is named by a placeholder
 * (CORRUPT, PGMBOMB, ...) that the catalogue's argv use.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { Tensor } from '@chainrule/autograd';
import { encodeSafetensors } from '@chainrule/nn';
import { NDArray } from '@chainrule/tensor';
import { type Architecture, architectureMetadata } from '../../src/model/architecture.js';
import { Mlp } from '../../src/model/mlp.js';
import { zlibBomb } from './bomb.js';
import { SIGNATURE, chunk, encodePng, ihdr, rawImageData } from './png-encode.js';

const ARCH: Architecture = { inputs: 784, hidden: [8], classes: 10, activation: 'relu', output: 'logits', dropout: 0 };

/** The checkpoint bytes of a fresh model of `arch`, after `edit` changed its state dict or metadata. */
function checkpoint(
  arch: Architecture,
  edit: (tensors: Map<string, Tensor>, meta: Record<string, string>) => void = () => {},
): Uint8Array {
  const tensors = new Mlp(arch, 0).stateDict();
  const meta = { ...architectureMetadata(arch), loss: 'ce' };
  edit(tensors, meta);
  return encodeSafetensors(tensors, meta);
}

/** `name`'s tensor with element 0 set to `value`. */
function poisoned(tensors: Map<string, Tensor>, name: string, value: number): void {
  const t = tensors.get(name)!;
  const data = Float32Array.from(t.value.contiguous().data as Float32Array);
  data[0] = value;
  tensors.set(name, new Tensor(new NDArray(data, t.shape)));
}

/**
 * Writes the catalogue's files into `dir`, next to the trained checkpoint `trained`; returns
 * the path of each placeholder. FIFO is absent where mkfifo is not available.
 */
export async function writeBadInputs(dir: string, trained: string): Promise<Record<string, string>> {
  const files: Record<string, Uint8Array | string> = {
    CORRUPT: 'this is not a checkpoint at all',
    EMPTY: '',
    TRUNCATED: readFileSync(trained).subarray(0, 5000),
    BARE: encodeSafetensors(new Mlp(ARCH, 0).stateDict()),
    CLASSES3: checkpoint({ ...ARCH, classes: 3 }),
    INPUTS100: checkpoint({ ...ARCH, inputs: 100 }),
    NAN: checkpoint(ARCH, (t) => poisoned(t, 'fc1.weight', Number.NaN)),
    INF: checkpoint(ARCH, (t) => poisoned(t, 'fc2.bias', Number.NEGATIVE_INFINITY)),
    WRONGSHAPE: checkpoint(ARCH, (_, m) => {
      m.hidden = '9';
    }),
    NOBIAS: checkpoint(ARCH, (t) => t.delete('fc2.bias')),
    EXTRA: checkpoint(ARCH, (t) => t.set('fc9.weight', t.get('fc2.bias')!)),
    INT32: checkpoint(ARCH, (t) => t.set('fc2.bias', new Tensor(new NDArray(new Int32Array(10), [10])))),
    BADFORMAT: checkpoint(ARCH, (_, m) => {
      m.format = 'other-mlp/2';
    }),
    BADACT: checkpoint(ARCH, (_, m) => {
      m.activation = 'swish';
    }),
    NOTIMAGE: 'hello, not an image',
    SMALL: 'P2 2 1 255 0 0\n',
    PGMBOMB: 'P5\n100000 100000\n255\n',
    PGMTRUNC: 'P5 28 28 255\n\x00\x01\x02',
    PGMMAX: `P2 28 28 9\n${'0 '.repeat(783)}10\n`,
    PGMHEADER: 'P2 28 twenty-eight 255\n',
    PNGHUGE: Buffer.concat([SIGNATURE, chunk('IHDR', ihdr(100_000, 100_000, 8, 0)), chunk('IEND', new Uint8Array())]),
    PNGBOMB: Buffer.concat([
      SIGNATURE,
      chunk('IHDR', ihdr(28, 28, 8, 0)),
      chunk('IDAT', await zlibBomb(64 << 20)),
      chunk('IEND', new Uint8Array()),
    ]),
    PNGDEPTH: encodePng({ width: 28, height: 28, colorType: 2, bitDepth: 4, samples: [] }),
  };
  const digit = { width: 28, height: 28, colorType: 0, samples: new Uint8Array(784) };
  const png = encodePng(digit);
  files.PNGCRC = Uint8Array.from(png, (b, i) => (i === png.length - 20 ? b ^ 0xff : b));
  files.PNGTRUNC = png.subarray(0, png.length - 20);
  const raw = rawImageData(digit);
  raw[29] = 7; // the second row's filter byte
  files.PNGFILTER = encodePng({ ...digit, idat: deflateSync(raw) });
  files.PNGFILE = png;
  const paths: Record<string, string> = {};
  for (const [name, data] of Object.entries(files)) {
    paths[name] = join(dir, `${name.toLowerCase()}.${/^(PNG|PGM|SMALL|NOTIMAGE)/.test(name) ? 'img' : 'safetensors'}`);
    writeFileSync(paths[name], data);
  }
  paths.FOLDER = join(dir, 'folder');
  mkdirSync(paths.FOLDER);
  paths.FILE = join(dir, 'a-file');
  writeFileSync(paths.FILE, 'a regular file where a folder is expected');
  // a link to a device: if a check failed, a rename would replace the link, never /dev/null itself
  paths.DEVICE = join(dir, 'device-link');
  symlinkSync('/dev/null', paths.DEVICE);
  const fifo = join(dir, 'fifo');
  if (spawnSync('mkfifo', [fifo]).status === 0) paths.FIFO = fifo;
  return paths;
}
