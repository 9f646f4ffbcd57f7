import { defineConfig } from 'vitest/config';

// Heavy tests: real server child processes, crashes, crowds. Run with
// `npm run test:resilience` (also by .ci/run); one file at a time, since each
// test loads the machine on purpose.
export default defineConfig({
  test: {
    // The fuzzing of tests/server runs here again with twice the inputs.
    include: ['tests/resilience/**/*.test.ts', 'tests/server/fuzz.test.ts'],
    env: { FUZZ_RUNS: '16' },
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
