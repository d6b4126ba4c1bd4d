import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { endQuietlyOnClosedPipe, readUserFile } from '../src/io.js';
import { tempDir } from './helpers/capture.js';

const { dir, cleanup } = tempDir('chainrule-io-');
afterAll(cleanup);

describe('endQuietlyOnClosedPipe', () => {
  const failure = (code: string): Error => Object.assign(new Error(`write ${code}`), { code });

  it('swallows EPIPE (the reader went away) and passes any other write error on', () => {
    const stream = new EventEmitter();
    const others: Error[] = [];
    endQuietlyOnClosedPipe(stream, (e) => others.push(e));
    expect(() => stream.emit('error', failure('EPIPE'))).not.toThrow();
    expect(() => stream.emit('error', failure('ERR_STREAM_DESTROYED'))).not.toThrow();
    stream.emit('error', failure('ENOSPC'));
    expect(others.map((e) => e.message)).toEqual(['write ENOSPC']);
  });

  it('is what an unguarded stream lacks: an EPIPE there is thrown as an unhandled error', () => {
    expect(() => new EventEmitter().emit('error', failure('EPIPE'))).toThrow('write EPIPE');
  });
});

describe('readUserFile', () => {
  it('reads a regular file, and refuses a missing one, a folder or one over the limit before reading', () => {
    const file = join(dir, 'f.bin');
    writeFileSync(file, Buffer.from([1, 2, 3]));
    expect(Array.from(readUserFile(file, 'image', 3))).toEqual([1, 2, 3]);
    expect(() => readUserFile(file, 'image', 2)).toThrow(/image '.*f.bin' has 3 bytes, over the limit of 2 bytes/);
    expect(() => readUserFile(join(dir, 'none'), 'checkpoint', 10)).toThrow(/checkpoint '.*none' does not exist/);
    expect(() => readUserFile(dir, 'checkpoint', 10)).toThrow(CliError);
    expect(() => readUserFile(dir, 'checkpoint', 10)).toThrow(/is a folder, expected a file/);
    expect(() => readUserFile('/dev/zero', 'image', 10)).toThrow(/image '\/dev\/zero' is not a regular file/);
  });
});
