/**
 * The bad-input catalogue of the command line: bad flags and values for train, eval and predict,
 * missing, corrupt and mismatched checkpoints, damaged and oversized images, bad indices and
 * unwritable output paths. Every case must fail the same way: exit code 2, one line on stderr
 * that names the problem (after the progress lines when training had started), no stack trace,
 * and no file created or changed: the fixtures, the trained checkpoint and the output folder
 * are compared before and after. The cases run in-process; a few run as a real process at the end.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBadInputs } from './helpers/bad-inputs.js';
import { run, tempDir } from './helpers/capture.js';
import { spawnCli } from './helpers/spawn.js';

const { dir, cleanup } = tempDir('chainrule-bad-input-');
const paths: Record<string, string> = {
  CK: join(dir, 'model.safetensors'),
  REPORT: join(dir, 'model.html'),
  RUNS: join(dir, 'runs'),
  MISSING: join(dir, 'missing.safetensors'),
  MISSINGPNG: join(dir, 'missing.png'),
};

/** Every entry under `root`: kind, size, modification time and a hash of the contents. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = lstatSync(p);
      if (s.isDirectory()) {
        out[p] = 'dir';
        walk(p);
      } else if (s.isFile()) {
        out[p] = `${s.size} ${s.mtimeMs} ${createHash('sha1').update(readFileSync(p)).digest('hex')}`;
      } else out[p] = `other ${s.mtimeMs}`;
    }
  };
  walk(root);
  return out;
}

beforeAll(async () => {
  const trained = await run(
    ['train', '--epochs', '1', '--train-size', '200', '--hidden', '8'].concat([
      '--checkpoint',
      paths.CK!,
      '--report',
      paths.REPORT!,
    ]),
  );
  expect(trained.code, trained.stderr).toBe(0);
  Object.assign(paths, await writeBadInputs(dir, paths.CK!));
});
afterAll(cleanup);

const TRAIN_FAST = ['--epochs', '1', '--train-size', '200'];
const LAYERS_101 = Array.from({ length: 101 }, () => '2').join(',');

/** [argv with placeholders, a fragment of the one error line]; train cases write into RUNS unless told. */
const CASES: [string[], RegExp][] = [
  // train: flags and values
  [['train', '--hiden', '30'], /^chainrule train: unknown option '--hiden' \(see --help\)$/],
  [['train', '--constructor', '1'], /unknown option '--constructor'/],
  [['train', '-x'], /unknown option '-x'/],
  [['train', 'extra'], /train takes no arguments, got 'extra'/],
  [['train', '--epochs'], /--epochs: missing value/],
  [['train', '--lr', 'fast'], /--lr: expected a number, got 'fast'$/],
  [['train', '--lr', '-1'], /--lr: must be greater than 0, got -1$/],
  [['train', '--lr', '0'], /--lr: must be greater than 0, got 0$/],
  [['train', '--lr', 'Infinity'], /--lr: expected a number, got 'Infinity'/],
  [['train', '--lr', 'NaN'], /--lr: expected a number, got 'NaN'/],
  [['train', '--activation', 'swish'], /--activation: expected one of sigmoid, tanh, relu/],
  [['train', '--loss', 'l1'], /--loss: expected one of mse, ce, got 'l1'/],
  [['train', '--optimizer', 'lbfgs'], /--optimizer: expected one of sgd, momentum/],
  [['train', '--hidden', '0'], /--hidden: sizes must be positive integers, got '0'/],
  [['train', '--hidden', '-5'], /--hidden: sizes must be positive integers/],
  [['train', '--hidden', '30,x'], /--hidden: expected an integer, got 'x'/],
  [['train', '--hidden', '100000000'], /--hidden 100000000: a 784-100000000-10 network has 79,500,000,010 param/],
  [['train', '--hidden', '7000,7000'], /over the limit of 50,000,000$/],
  [['train', '--hidden', LAYERS_101], /--hidden: 101 layers, at most 100/],
  [['train', '--dropout', '1'], /--dropout: must be at most 0.95, got 1/],
  [['train', '--dropout', '-0.1'], /--dropout: must be at least 0, got -0.1/],
  [['train', '--batch-size', '0'], /--batch-size: must be at least 1, got 0/],
  [['train', '--batch-size', '2.5'], /--batch-size: expected an integer, got '2.5'/],
  [['train', '--epochs', '0'], /--epochs: must be at least 1, got 0/],
  [['train', '--epochs', '10001'], /--epochs: must be at most 10000/],
  [['train', '--train-size', '8001'], /--train-size: must be at most 8000/],
  [['train', '--patience', '-1'], /--patience: must be at least 0/],
  [['train', '--l2', '-1'], /--l2: must be at least 0/],
  [['train', '--seed', '1.5'], /--seed: expected an integer, got '1.5'/],
  [['train', '--split-seed', 'abc'], /--split-seed: expected an integer, got 'abc'/],
  // train: output paths, checked before any training
  [['train', '--checkpoint', 'REPORT', '--report', 'REPORT'], /--checkpoint and --report are the same file/],
  [['train', '--checkpoint', 'FOLDER', '--report', 'RUNS/x.html'], /output '.*folder' is a folder, expected a file/],
  [['train', '--checkpoint', 'FILE/x.safetensors'], /cannot write '.*a-file\/x.safetensors': '.*a-file' is a file/],
  [['train', '--report', 'FILE/sub/x.html'], /cannot write '.*a-file\/sub\/x.html': '.*a-file' is a file, not a/],
  [['train', '--out-dir', 'FILE'], /cannot write '.*a-file\/mnist-784-30-10-sigmoid-mse.safetensors': '.*a-file'/],
  [['train', '--checkpoint', 'DEVICE'], /output '.*device-link' is not a regular file/],
  [['train', '--report', 'FIFO'], /output '.*fifo' is not a regular file/],
  // train: a run that fails after it started leaves the checkpoint and the output folder alone
  [
    ['train', ...TRAIN_FAST, '--loss', 'ce', '--activation', 'relu', '--lr', '1e12', '--checkpoint', 'CK'],
    /^chainrule train: training diverged in epoch 1 \(loss NaN\); try a smaller --lr$/,
  ],
  // commands
  [['fit'], /^chainrule: unknown command 'fit'/],
  [['constructor'], /^chainrule: unknown command 'constructor'/],
  [['--epochs', '3'], /^chainrule: expected a command before '--epochs'/],
  [['help', '__proto__'], /^chainrule: unknown command '__proto__'/],
  // eval: arguments and flags
  [['eval'], /^chainrule eval: missing <checkpoint> \(see chainrule eval --help\)$/],
  [['eval', 'CK', 'extra'], /unexpected argument 'extra'/],
  [['eval', 'CK', '--split', 'nope'], /--split: expected one of test, val, train, got 'nope'/],
  [['eval', 'CK', '--split-seed', '1.5'], /--split-seed: expected an integer/],
  [['eval', 'CK', '--bogus'], /unknown option '--bogus'/],
  // eval: files that are not a checkpoint
  [['eval', 'MISSING'], /checkpoint '.*missing.safetensors' does not exist$/],
  [['eval', 'FOLDER'], /checkpoint '.*folder' is a folder, expected a file$/],
  [['eval', 'FIFO'], /checkpoint '.*fifo' is not a regular file$/],
  [['eval', 'DEVICE'], /checkpoint '.*device-link' is not a regular file$/],
  [['eval', 'CORRUPT'], /checkpoint '.*corrupt.safetensors' is not a safetensors file: header length \d+ is over/],
  [['eval', 'EMPTY'], /checkpoint '.*empty.safetensors' is not a safetensors file: file has 0 bytes/],
  [['eval', 'PNGFILE'], /checkpoint '.*pngfile.img' is not a safetensors file/],
  [['eval', 'NOTIMAGE'], /is not a safetensors file/],
  // eval: damaged or mismatched checkpoints
  [['eval', 'TRUNCATED'], /checkpoint '.*truncated.safetensors' is not a valid safetensors file: /],
  [['eval', 'BARE'], /has no chainrule architecture in its metadata/],
  [['eval', 'BADFORMAT'], /has format 'other-mlp\/2', expected 'chainrule-mlp\/1'/],
  [['eval', 'BADACT'], /has an unknown activation 'swish'/],
  [['eval', 'CLASSES3'], /checkpoint '.*classes3.safetensors' has 3 output classes, but MNIST digits have 10/],
  [['eval', 'INPUTS100'], /expects 100 inputs, but MNIST digits have 784 pixels/],
  [['eval', 'WRONGSHAPE'], /does not fit its architecture: 'fc1.weight' has shape \[8, 784\], expected \[9, 784\]/],
  [['eval', 'NOBIAS'], /does not fit its architecture: .*fc2.bias/],
  [['eval', 'EXTRA'], /does not fit its architecture: .*fc9.weight/],
  [['eval', 'INT32'], /does not fit its architecture: .*fc2.bias.*int32/],
  [['eval', 'NAN'], /checkpoint '.*nan.safetensors' has a non-finite weight: fc1.weight holds NaN at element 0/],
  [['eval', 'INF'], /has a non-finite weight: fc2.bias holds -Infinity at element 0/],
  // predict: arguments, indices and flags
  [['predict', 'CK'], /^chainrule predict: missing <index or image>/],
  [['predict', 'CK', '3', 'extra'], /unexpected argument 'extra'/],
  [['predict', 'CK', '-1'], /index -1 is out of range for the test split: expected a whole number in 0..999$/],
  [['predict', 'CK', '1000'], /index 1000 is out of range for the test split: expected a whole number in 0..999/],
  [['predict', 'CK', '1.5'], /index 1.5 is out of range/],
  [['predict', 'CK', '1e9'], /index 1e9 is out of range/],
  [['predict', 'CK', '8000', '--split', 'train'], /index 8000 is out of range for the train split: .* 0..7999$/],
  [['predict', 'CK', '3', '--invert', 'maybe'], /--invert: expected one of auto, yes, no/],
  [['predict', 'CLASSES3', '3'], /has 3 output classes, but MNIST digits have 10/],
  [['predict', 'NAN', '3'], /has a non-finite weight/],
  [['predict', 'CORRUPT', '3'], /is not a safetensors file/],
  // predict: image files
  [['predict', 'CK', 'MISSINGPNG'], /image '.*missing.png' does not exist$/],
  [['predict', 'CK', 'FOLDER'], /image '.*folder' is a folder, expected a file$/],
  [['predict', 'CK', 'FIFO'], /image '.*fifo' is not a regular file$/],
  [['predict', 'CK', 'NOTIMAGE'], /image '.*notimage.img': not a PNG or PGM \(P2\/P5\) file$/],
  [['predict', 'CK', 'EMPTY'], /not a PNG or PGM/],
  [['predict', 'CK', 'SMALL'], /image '.*small.img' is 2x1, expected 28x28 \(scale it down first\)$/],
  [['predict', 'CK', 'PGMBOMB'], /PGM declares 100000x100000 = 10,000,000,000 pixels, over the limit of 16,777,216/],
  [['predict', 'CK', 'PNGHUGE'], /PNG declares 100000x100000 = 10,000,000,000 pixels, over the limit of 16,777,216/],
  [['predict', 'CK', 'PNGBOMB'], /PNG damaged: the image data inflates to more than the 812 bytes of a 28x28/],
  [['predict', 'CK', 'PNGCRC'], /image '.*pngcrc.img': PNG damaged: CRC mismatch in chunk 'IDAT'/],
  [['predict', 'CK', 'PNGTRUNC'], /image '.*pngtrunc.img': PNG truncated/],
  [['predict', 'CK', 'PNGFILTER'], /image '.*pngfilter.img': PNG damaged: .*filter/i],
  [['predict', 'CK', 'PNGDEPTH'], /bit depth 4 is not allowed for colour type 2 \(RGB/],
  [['predict', 'CK', 'PGMTRUNC'], /PGM truncated: 3 bytes of pixels, expected 784 for 28x28/],
  [['predict', 'CK', 'PGMMAX'], /PGM pixel 783 is 10, above maxval 9/],
  [['predict', 'CK', 'PGMHEADER'], /PGM header: expected the height at byte 6/],
];

/** The argv with placeholders replaced by paths; train writes into RUNS unless it names its outputs. */
function resolveArgv(argv: readonly string[]): string[] {
  const out = argv.map((a) => a.replace(/^[A-Z][A-Z0-9]+(?=\/|$)/, (p) => paths[p] ?? p));
  const named = argv.includes('--out-dir') || (argv.includes('--checkpoint') && argv.includes('--report'));
  return argv[0] === 'train' && !named ? [...out, '--out-dir', paths.RUNS!] : out;
}

describe('the bad-input catalogue: exit code 2, one line, no stack trace, nothing written', () => {
  it('has at least 50 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CASES)('%j', async (argv, message) => {
    if (argv.includes('FIFO') && paths.FIFO === undefined) return; // no mkfifo here
    const before = snapshot(dir);
    const r = await run(resolveArgv(argv));
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^epoch \d+\/\d+ /); // progress, when training ran
    expect(lines.at(-1)).toMatch(/^chainrule( train| eval| predict)?: /);
    expect(lines.at(-1)).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(paths.RUNS!)).toBe(false);
  });
});

describe('as a real process', () => {
  it.each([
    [['predict', 'CK', '-1'], /^chainrule predict: index -1 is out of range for the test split/],
    [['train', '--hidden', '100000000', '--out-dir', 'RUNS'], /^chainrule train: --hidden 100000000: a 784-1/],
    [['eval', 'NOTIMAGE'], /^chainrule eval: checkpoint '.*notimage.img' is not a safetensors file/],
    [['eval', 'CLASSES3'], /^chainrule eval: checkpoint '.*classes3.safetensors' has 3 output classes/],
  ])('%j exits with 2 and one line', async (argv, message) => {
    const before = snapshot(dir);
    const r = await spawnCli(resolveArgv(argv));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(snapshot(dir)).toEqual(before);
  });

  it('eval into a reader that closed the pipe (| head) ends quietly with exit code 0', async () => {
    const r = await spawnCli(['eval', paths.CK!], { closeStdout: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
