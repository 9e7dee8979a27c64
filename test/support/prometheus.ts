// Debian's Prometheus (`prometheus`, `promtool`) for the tests: found on the PATH or in /usr/bin,
// else a clear failure naming the package; never a silent skip.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const PROMETHEUS_PACKAGE_HINT =
  "Debian's prometheus package (apt-get install -y prometheus; ./test installs it)";

/** The path of `name` (prometheus, promtool); throws naming the package when it is missing. */
export function prometheusBinary(name: 'prometheus' | 'promtool'): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} is not installed: these tests need ${PROMETHEUS_PACKAGE_HINT}`);
}
