import { defineConfig } from 'vitest/config';

// Functions log JSON lines; tests that check logging set their own level. The AWS SDK's notice
// that its 2027 releases need Node 22 (versions are pinned; Lambda runs nodejs22.x) is said once
// in README, not by every test file on stderr.
const env = {
  LOG_LEVEL: 'ERROR',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'backend',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          env,
          // Infra tests synthesize the whole backend; that takes seconds, not milliseconds.
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          env,
          // One local sandbox for the whole suite, started and stopped here.
          globalSetup: ['test/e2e/global-setup.ts'],
          // One sandbox: files take turns, so a fault injected by one never hits another.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
