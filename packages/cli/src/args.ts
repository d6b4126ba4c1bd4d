/**
 * A small typed command-line parser: `--name value` or `--name=value`, positional arguments,
 * and `--help`. Unknown flags and bad values are a `UsageError` (one line, exit code 2).
 */

import { terminalWidth, twoColumns, wrapText } from './wrap.js';

/** A mistake on the command line: shown as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface FlagBase {
  help: string;
  /** Shown as the default in --help instead of the default value (e.g. when it depends on other flags). */
  defaultText?: string;
}
export type FlagSpec =
  | (FlagBase & { kind: 'int'; default: number; min?: number; max?: number })
  | (FlagBase & { kind: 'float'; default: number; min?: number; max?: number; exclusiveMin?: boolean })
  | (FlagBase & { kind: 'string'; default: string })
  | (FlagBase & { kind: 'choice'; default: string; choices: readonly string[] })
  | (FlagBase & { kind: 'intList'; default: readonly number[] })
  | (FlagBase & { kind: 'bool'; default: boolean });

export type FlagSpecs = Record<string, FlagSpec>;

/** The parsed value type of each flag. */
export type FlagValues<S extends FlagSpecs> = {
  [K in keyof S]: S[K] extends { kind: 'int' | 'float' }
    ? number
    : S[K] extends { kind: 'intList' }
      ? number[]
      : S[K] extends { kind: 'bool' }
        ? boolean
        : string;
};

export interface Parsed<S extends FlagSpecs> {
  flags: FlagValues<S>;
  positional: string[];
  help: boolean;
}

function parseNumber(flag: string, raw: string, integer: boolean): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${flag}: expected ${integer ? 'an integer' : 'a number'}, got '${raw}'`);
  }
  return v;
}

function convert(flag: string, spec: FlagSpec, raw: string): number | string | number[] | boolean {
  switch (spec.kind) {
    case 'int':
    case 'float': {
      const v = parseNumber(flag, raw, spec.kind === 'int');
      if (
        spec.min !== undefined &&
        (v < spec.min || (spec.kind === 'float' && spec.exclusiveMin === true && v === spec.min))
      ) {
        throw new UsageError(
          `--${flag}: must be ${spec.kind === 'float' && spec.exclusiveMin ? 'greater than' : 'at least'} ` +
            `${spec.min}, got ${raw}`,
        );
      }
      if (spec.max !== undefined && v > spec.max)
        throw new UsageError(`--${flag}: must be at most ${spec.max}, got ${raw}`);
      return v;
    }
    case 'intList': {
      if (raw.trim() === '') return [];
      return raw.split(',').map((part) => {
        const v = parseNumber(flag, part, true);
        if (v < 1) throw new UsageError(`--${flag}: sizes must be positive integers, got '${raw}'`);
        return v;
      });
    }
    case 'choice':
      if (!spec.choices.includes(raw))
        throw new UsageError(`--${flag}: expected one of ${spec.choices.join(', ')}, got '${raw}'`);
      return raw;
    case 'bool':
      if (raw === 'true' || raw === '') return true;
      if (raw === 'false') return false;
      throw new UsageError(`--${flag}: expected true or false, got '${raw}'`);
    case 'string':
      return raw;
  }
}

/** Parses `argv` against `specs`; defaults fill the flags not given. */
export function parseArgs<S extends FlagSpecs>(argv: readonly string[], specs: S): Parsed<S> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) values[name] = spec.default;
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1 && Number.isNaN(Number(arg)))
        throw new UsageError(`unknown option '${arg}' (see --help)`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec === undefined) throw new UsageError(`unknown option '--${name}' (see --help)`);
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (spec.kind === 'bool') raw = argv[i + 1] === 'true' || argv[i + 1] === 'false' ? argv[++i]! : '';
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new UsageError(`--${name}: missing value`);
      raw = next;
      i++;
    }
    values[name] = convert(name, spec, raw);
  }
  return { flags: values as FlagValues<S>, positional, help };
}

/**
 * The help text of a command: usage line, description, and one entry per flag with its default,
 * wrapped to `width` columns (the terminal's, else 80).
 *
 * @example
 * ```ts
 * import { formatHelp } from '@chainrule/cli';
 * const flags = { epochs: { kind: 'int', default: 30, min: 1, help: 'passes over the data' } } as const;
 * process.stdout.write(formatHelp('chainrule train [options]', 'Trains a network.', flags, 60));
 * ```
 */
export function formatHelp(usage: string, description: string, specs: FlagSpecs, width = terminalWidth()): string {
  // the description's line breaks are only its source's: a blank line separates paragraphs
  const paragraphs = description.split(/\n\s*\n/).map((p) => wrapText(p.replace(/\s*\n\s*/g, ' '), width));
  const lines = [wrapText(`Usage: ${usage}`, width, '', '  '), '', paragraphs.join('\n\n'), '', 'Options:'];
  const rows = Object.entries(specs).map(([name, spec]) => {
    // a short choice list goes in the left column (<mse|ce>), a long one into the text
    const inline = spec.kind === 'choice' && spec.choices.join('|').length <= 16;
    const value =
      spec.kind === 'bool'
        ? ''
        : spec.kind === 'choice'
          ? inline
            ? ` <${spec.choices.join('|')}>`
            : ' <name>'
          : spec.kind === 'intList'
            ? ' <n,n,...>'
            : ` <${spec.kind}>`;
    const choices = spec.kind === 'choice' && !inline ? `; one of ${spec.choices.join(', ')}` : '';
    const def = spec.defaultText ?? (Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default));
    return [`  --${name}${value}`, `${spec.help}${choices} (default: ${def === '' ? 'none' : def})`] as [
      string,
      string,
    ];
  });
  rows.push(['  --help', 'show this help']);
  lines.push(...twoColumns(rows, width));
  return `${lines.join('\n')}\n`;
}
