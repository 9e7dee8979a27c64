// Test projects: fast unit tests of pure code, and integration tests against real MariaDB and a
// MongoDB-compatible server, and end-to-end tests under a real systemd (test/e2e/).
import { configDefaults, defineConfig } from 'vitest/config';

const minutes = 60_000;
/** Compiles src/ into dist/ once per run: the CLI tests never run a stale build. */
const BUILD = 'test/support/build.ts';

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/integration/**', 'test/e2e/**'],
          // The CLI tests run dist/: built once per run, before the suites.
          globalSetup: [BUILD],
          // The CLI tests start node processes, several per test: on a loaded 2-core machine one
          // such test took over vitest's default 5 s. A hang still fails, after 30 s.
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: [BUILD, 'test/support/global-setup.ts'],
          // Real servers, process restarts and sync loops: slow on a 2-core machine.
          testTimeout: 2 * minutes,
          hookTimeout: 2 * minutes,
          // One file at a time: the files share one MongoDB server and MariaDB, and the machine
          // has 2 cores, so parallel files mostly add timeouts.
          fileParallelism: false,
          // Vitest requires projects with different worker counts to run in separate groups.
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          // The project's units under a real systemd booted in a throw-away systemd-nspawn
          // container (test/e2e/support/systemd-container.ts); root only.
          include: ['test/e2e/**/*.test.ts'],
          // MariaDB and the MongoDB-compatible server run on the host; the container shares its network.
          globalSetup: [BUILD, 'test/e2e/support/global-setup.ts', 'test/support/global-setup.ts'],
          testTimeout: 3 * minutes,
          hookTimeout: 3 * minutes,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
