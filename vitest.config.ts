import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the client's rune stores (*.svelte.ts) for tests/client.
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) })],
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/resilience/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time: on the 2-core CI machine the suite spends much of its time waiting (browsers,
    // sockets, timers); measured 894 s one at a time, 596 s two at a time, both green.
    maxWorkers: 2,
  },
});
