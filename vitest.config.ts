import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.UPSHIFT_JSON_REPORT ? ['default', ['json', { outputFile: process.env.UPSHIFT_JSON_REPORT }]] : ['default'],
  },
});
