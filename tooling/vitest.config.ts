import { defineProject } from 'vitest/config';

export default defineProject({
  // testTimeout: a hang guard, not a speed check.
  test: { name: 'tooling', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
