import { defineProject } from 'vitest/config';
import { sourceAliases } from '../vitest.aliases.js';

export default defineProject({
  resolve: { alias: sourceAliases },
  // testTimeout: a hang guard, not a speed check.
  test: { name: 'tooling', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
