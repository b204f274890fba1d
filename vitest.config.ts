import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/**/*.spec.ts'],
    // The generated Nest app the package test installs into: its tests run there, against the installed package.
    exclude: ['test/package/nest-app/**', '**/node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // The leak watch: fails a file whose run put an emulator-issued secret into a log, output or Redis;
    // the contract check fails a test whose requests or emulator answers broke Google's contract.
    setupFiles: ['test/support/leak-watch.setup.ts', 'test/support/contract.setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
