import { defineProject } from 'vitest/config';
import { sourceAliases } from '../../vitest.aliases.js';

export default defineProject({
  resolve: { alias: sourceAliases },
  test: { name: 'cli', include: ['test/**/*.test.ts'], testTimeout: 120_000 },
});
