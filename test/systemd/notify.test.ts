// The sd_notify sender: every STATUS= line it hands to systemd-notify is redacted and one line.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSecrets } from '../../src/logging/redact.js';
import { createNotifier } from '../../src/systemd/notify.js';

describe('notifier', () => {
  let dir = '';
  let sender = '';
  const sent = (): Promise<string> => readFile(join(dir, 'sent'), 'utf8').catch(() => '');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbp-notify-'));
    // Stands in for systemd-notify: records the arguments it was given, one call a line.
    sender = join(dir, 'systemd-notify');
    await writeFile(sender, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${join(dir, 'sent')}'\n`);
    await chmod(sender, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('redacts secrets from STATUS and READY lines, and from URL passwords it never saw', async () => {
    const password = 'Nfy-canary-4d1e';
    registerSecrets([password]);
    const notifier = createNotifier({ NOTIFY_SOCKET: join(dir, 'socket') }, sender);
    await notifier.ready(`ready: connected as u_${password}`);
    await notifier.status(
      `failing: MySQL 127.0.0.1:3306/x: connecting failed: Access denied for user 'u_${password}'@'localhost'\n(using password: YES)`,
    );
    await notifier.status('failing: MongoDB mongodb://app:other-pw-77@db:27017/ does not answer');
    const lines = await sent();
    expect(lines).toContain("Access denied for user 'u_***'@'localhost' (using password: YES)");
    expect(lines).toContain('--ready --status=ready: connected as u_***');
    expect(lines).toContain('mongodb://app:***@db:27017/');
    expect(lines).not.toContain(password);
    expect(lines).not.toContain('other-pw-77');
  });

  it('sends nothing without NOTIFY_SOCKET', async () => {
    const before = await sent();
    const notifier = createNotifier({}, sender);
    expect(notifier.enabled).toBe(false);
    await notifier.status('anything');
    expect(await sent()).toBe(before);
  });
});
