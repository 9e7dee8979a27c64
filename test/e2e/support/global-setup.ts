// End-to-end global setup: the tests boot systemd in systemd-nspawn containers, which needs root
// and Debian's systemd-container package (installed here when missing).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('end-to-end tests boot systemd in a systemd-nspawn container and must run as root');
  }
  const script = fileURLToPath(new URL('../../../scripts/e2e/ensure-systemd-container.sh', import.meta.url));
  execFileSync(script, { stdio: ['ignore', 'inherit', 'inherit'] });
}
