/**
 * The native layer's entry for the package's import (index.ts), loaded in Node alone, dynamically:
 * a bundler ships it and all it reaches (koffi's bindings, the BLAS loaders, the signal hold) as a
 * chunk of its own (`node-*.js`), which a page never fetches.
 */
export { withNativeBlas } from './index.js';
export { tuneProcessMalloc } from './malloc.js';
