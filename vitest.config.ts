import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Lists the tests that failed for want of a Debian tool, and how to install it (tests/tools.ts).
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Guests run in worker threads of their own; two test files at a time fit a 2-core machine.
    maxWorkers: 2,
  },
});
