/**
 * @chainrule/playground: an interactive chain-rule page for the browser. `buildPlayground` bundles
 * it with esbuild (chainrule and KaTeX inside, nothing fetched at run time), `writePlayground`
 * writes it as a static folder, `servePlayground` serves it on 127.0.0.1 (`npx chainrule playground`).
 *
 * @example
 * ```ts
 * import { servePlayground } from '@chainrule/playground';
 * const server = await servePlayground();
 * console.log(server.url); // http://127.0.0.1:<port>/
 * await server.close();
 * ```
 */
export { type PlaygroundFiles, INDEX_HTML, buildPlayground, writePlayground } from './build.js';
export { type PlaygroundServer, type ServeOptions, servePlayground } from './server.js';
export { type Preset, PRESETS } from './page/presets.js';
export { type PlaygroundModel, buildModel, expressionVariables } from './page/model.js';
