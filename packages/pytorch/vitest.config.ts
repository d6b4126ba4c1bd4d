import { defineProject } from 'vitest/config';
import { sourceAliases } from '../../vitest.aliases.js';

export default defineProject({
  resolve: { alias: sourceAliases },
  // testTimeout: a hang guard, not a speed check; CI's shared 2-core machine has run the suite 5x slower than usual.
  test: { name: 'pytorch', include: ['test/**/*.test.ts'], testTimeout: 120_000 },
});
