import { defineConfig } from '@playwright/test';

// Run by tests/DistaHilar.Tests/WebClient (part of `./dev.sh test`), which starts the real stack and the built client
// and passes WEB_URL; by hand: `WEB_URL=http://127.0.0.1:5173 npx playwright test` against a running `./dev.sh`.
// Always Debian's Chromium: Playwright's own browser download cannot work here (and is never needed).
export default defineConfig({
  testDir: 'e2e',
  outputDir: process.env.ARTIFACTS_DIR ?? 'test-results',
  // Two cores: one spec at a time, each with two or three browser contexts.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: `${process.env.ARTIFACTS_DIR ?? 'test-results'}/report.json` }]],
  use: {
    baseURL: process.env.WEB_URL ?? 'http://127.0.0.1:5173',
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
        '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      ],
    },
    permissions: ['microphone', 'camera'],
  },
});
