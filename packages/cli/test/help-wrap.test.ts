// `chainrule --version`, and help text wrapped to the terminal's width (process.stdout.columns, else 80).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatHelp } from '../src/args.js';
import { TRAIN_DESCRIPTION, TRAIN_FLAGS, TRAIN_USAGE } from '../src/commands/train.js';
import { topLevelHelp } from '../src/main.js';
import { terminalWidth, wrapText } from '../src/wrap.js';
import { run } from './helpers/capture.js';

const words = (text: string) => text.split(/\s+/).filter((w) => w !== '');

describe('--version', () => {
  it.each([['--version'], ['-V']])('%s prints the version of package.json', async (flag) => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await run([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`chainrule ${pkg.version}\n`);
    expect(r.stderr).toBe('');
  });
  it('is listed in the top-level help', () => {
    expect(topLevelHelp()).toMatch(/^ {2}--version +the version of chainrule$/m);
  });
});

describe('help wraps to the terminal width', () => {
  const columns = Object.getOwnPropertyDescriptor(process.stdout, 'columns');
  afterEach(() => {
    if (columns === undefined) delete (process.stdout as { columns?: number }).columns;
    else Object.defineProperty(process.stdout, 'columns', columns);
  });

  it('takes process.stdout.columns, else 80', () => {
    Object.defineProperty(process.stdout, 'columns', { value: undefined, configurable: true, writable: true });
    expect(terminalWidth()).toBe(80);
    Object.defineProperty(process.stdout, 'columns', { value: 57, configurable: true, writable: true });
    expect(terminalWidth()).toBe(57);
    const text = formatHelp(TRAIN_USAGE, TRAIN_DESCRIPTION, TRAIN_FLAGS);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(57);
  });

  it.each([40, 60, 80, 120, 200])('train --help at %i columns: no line longer, no word lost', (width) => {
    const text = formatHelp(TRAIN_USAGE, TRAIN_DESCRIPTION, TRAIN_FLAGS, width);
    const lines = text.split('\n');
    for (const line of lines) {
      // only a single word longer than the line may overflow it
      if (line.length > width) expect(words(line)).toHaveLength(1);
    }
    for (const w of words(TRAIN_DESCRIPTION)) expect(text).toContain(w);
    for (const name of Object.keys(TRAIN_FLAGS)) expect(text).toMatch(new RegExp(`^ {2}--${name}\\b`, 'm'));
    // the description is one paragraph, filled: every line but its last reaches past half the width
    const description = lines.slice(2, lines.indexOf('', 2));
    for (const line of description.slice(0, -1)) expect(line.length).toBeGreaterThan(width / 2);
  });

  it('the top-level help fits 50 columns and keeps every command', () => {
    const text = topLevelHelp(50);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(50);
    for (const c of ['train', 'eval', 'predict', 'help']) expect(text).toMatch(new RegExp(`^ {2}${c} `, 'm'));
  });

  it('wrapText breaks at spaces with a hanging indent', () => {
    expect(wrapText('one two three four', 10, '  ', '    ')).toBe('  one two\n    three\n    four');
    expect(wrapText('averyveryverylongword x', 8)).toBe('averyveryverylongword\nx');
    expect(wrapText('', 8, '> ')).toBe('> ');
  });
});
