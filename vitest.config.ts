import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // End-to-end suites start real process clusters on fixed port ranges; keep files serial
    // so two suites never fight for ports or for the 2 cores.
    fileParallelism: false,
    reporters: ['default'],
  },
});
