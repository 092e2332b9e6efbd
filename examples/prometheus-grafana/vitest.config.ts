import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Prometheus takes a few seconds to start and needs two scrapes before rate() has a value.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
