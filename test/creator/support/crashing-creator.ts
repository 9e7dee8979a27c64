// A creator process whose handler dies the way an out-of-memory kill ends it (SIGKILL, no clean-up),
// for test/creator/quarantine.test.ts. Prints each verdict it files as a JSON line, then exits.
import { startCreator } from '../../../src/creator/daemon.js';
import type { ApplyContext } from '../../../src/creator/apply.js';
import type { Logger } from '../../../src/logging/logger.js';

const [stateDir = '', configDir = ''] = process.argv.slice(2);
const silent: Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => silent };
const refuse = (): Promise<never> => Promise.reject(new Error('no systemctl here'));

await startCreator({
  ctx: {
    stateDir,
    configDir,
    unitDir: `${stateDir}/units`,
    dropInTemplate: '',
    systemctl: {
      daemonReload: refuse,
      enable: refuse,
      start: refuse,
      restart: refuse,
      disableNow: refuse,
      disable: refuse,
      stop: refuse,
      resetFailed: refuse,
      activeState: refuse,
      isEnabled: refuse,
      show: refuse,
      showMany: refuse,
    },
    reload: refuse,
    units: {} as ApplyContext['units'],
    settleMs: 1000,
    logger: silent,
  },
  notifier: {
    enabled: false,
    ready: () => Promise.resolve(),
    status: () => Promise.resolve(),
    watchdog: () => Promise.resolve(),
    stopping: () => Promise.resolve(),
  },
  rescanSeconds: 30,
  parallel: 1,
  handle: () => {
    process.kill(process.pid, 'SIGKILL');
    return new Promise(() => undefined);
  },
  onVerdict: (verdict) => {
    process.stdout.write(`${JSON.stringify(verdict)}\n`);
    process.exit(0);
  },
});
