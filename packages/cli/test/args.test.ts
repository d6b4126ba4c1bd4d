import { describe, expect, it } from 'vitest';
import { UsageError, formatHelp, parseArgs } from '../src/args.js';

const specs = {
  hidden: { kind: 'intList', default: [30], help: 'hidden sizes' },
  lr: { kind: 'float', default: 3, min: 0, exclusiveMin: true, help: 'learning rate' },
  epochs: { kind: 'int', default: 30, min: 1, help: 'epochs' },
  loss: { kind: 'choice', default: 'mse', choices: ['mse', 'ce'], help: 'loss' },
  quiet: { kind: 'bool', default: false, help: 'less output' },
} as const;

describe('parseArgs', () => {
  it('fills defaults and parses both --flag value and --flag=value', () => {
    const p = parseArgs(['--hidden', '100,20', '--lr=0.5', 'file.pgm', '--quiet'], specs);
    expect(p.flags).toEqual({ hidden: [100, 20], lr: 0.5, epochs: 30, loss: 'mse', quiet: true });
    expect(p.positional).toEqual(['file.pgm']);
    expect(p.help).toBe(false);
  });
  it.each([
    [['--nope'], "unknown option '--nope' (see --help)"],
    [['--lr', 'abc'], "--lr: expected a number, got 'abc'"],
    [['--lr', '0'], '--lr: must be greater than 0, got 0'],
    [['--epochs', '2.5'], "--epochs: expected an integer, got '2.5'"],
    [['--epochs', '0'], '--epochs: must be at least 1, got 0'],
    [['--loss', 'l2'], "--loss: expected one of mse, ce, got 'l2'"],
    [['--hidden', '10,x'], "--hidden: expected an integer, got 'x'"],
    [['--epochs'], '--epochs: missing value'],
    [['-x'], "unknown option '-x' (see --help)"],
  ])('%j is a one-line usage error', (argv, message) => {
    expect(() => parseArgs(argv, specs)).toThrow(new UsageError(message));
  });
  it('help lists every flag with its default', () => {
    const text = formatHelp('chainrule train [options]', 'Train.', specs);
    for (const name of Object.keys(specs)) expect(text).toContain(`--${name}`);
    expect(text).toContain('(default: 30)');
    expect(parseArgs(['--help'], specs).help).toBe(true);
  });
  it('shows a long choice list in the text, and defaultText instead of the default value', () => {
    const text = formatHelp(
      'x',
      'X.',
      {
        act: {
          kind: 'choice',
          default: 'sigmoid',
          choices: ['sigmoid', 'tanh', 'relu', 'leaky-relu'],
          help: 'activation',
        },
        rate: { kind: 'float', default: Number.NaN, defaultText: '3 for mse', help: 'learning rate' },
      },
      120, // wide enough for one line per flag
    );
    expect(text).toMatch(
      /^ {2}--act <name> +activation; one of sigmoid, tanh, relu, leaky-relu \(default: sigmoid\)$/m,
    );
    expect(text).toMatch(/^ {2}--rate <float> +learning rate \(default: 3 for mse\)$/m);
    expect(text).not.toContain('NaN');
  });
});
