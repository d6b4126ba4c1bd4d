// The `chainrule` binary run from the TypeScript sources (bin/chainrule.js runs the built dist/).
import { main } from '../../src/main.js';

process.exitCode = await main(process.argv.slice(2));
