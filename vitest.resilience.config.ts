import { defineConfig } from 'vitest/config';

// Heavy tests: real server child processes, crashes, crowds. Run with
// `npm run test:resilience` (also by .ci/run); one file at a time, since each
// test loads the machine on purpose.
export default defineConfig({
  test: {
    include: ['tests/resilience/**/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
