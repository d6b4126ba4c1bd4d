/** `chainrule playground [--port N]`: serves the interactive chain-rule page on 127.0.0.1 until stopped. */
import { type PlaygroundServer, servePlayground } from '@chainrule/playground';
import { formatHelp, parseArgs } from '../args.js';
import { CliError } from '../errors.js';
import { type Io, println } from '../io.js';
import { expectPositionals } from './shared.js';

export const PLAYGROUND_FLAGS = {
  port: { kind: 'int', default: 0, min: 0, max: 65535, help: 'the port (0: a free one)', defaultText: 'a free port' },
} as const;

/** The servers this process started (the command returns while its server runs on). */
const running: PlaygroundServer[] = [];

/** Stops every playground server this process started (for tests and embedders). */
export async function stopPlaygrounds(): Promise<void> {
  await Promise.all(running.splice(0).map((s) => s.close()));
}

export const PLAYGROUND_USAGE = 'chainrule playground [--port N]';
export const PLAYGROUND_DESCRIPTION =
  'Builds the chain-rule playground and serves it on 127.0.0.1 (nothing else can reach it): type an expression, ' +
  'step the forward and backward pass, see the symbolic derivatives and grade your own local gradients. ' +
  'Prints the URL and opens nothing; Ctrl+C stops it. For a static copy: npm run build:playground.';

/** `chainrule playground`: resolves with the exit code once the server listens (it runs until the process ends). */
export async function playgroundCommand(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseArgs(argv, PLAYGROUND_FLAGS);
  if (parsed.help) {
    io.stdout.write(formatHelp(PLAYGROUND_USAGE, PLAYGROUND_DESCRIPTION, PLAYGROUND_FLAGS));
    return 0;
  }
  expectPositionals('playground', parsed.positional, []);
  try {
    const server = await servePlayground({ port: parsed.flags.port });
    running.push(server);
    println(io.stdout, `chainrule playground: ${server.url}  (Ctrl+C stops it)`);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why =
      code === 'EADDRINUSE' ? `port ${parsed.flags.port} is in use` : e instanceof Error ? e.message : String(e);
    throw new CliError(`cannot serve the playground: ${why}`);
  }
  return 0;
}
