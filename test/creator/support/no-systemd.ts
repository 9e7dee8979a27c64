// The creator's request handling where something other than systemd runs the workers (the
// Kubernetes adapter, an in-memory orchestrator): a context whose systemd parts are never
// reached, and a request handled as the daemon does once its verdict is filed.
import { mkdir, writeFile } from 'node:fs/promises';
import { handleRequest, type ApplyContext } from '../../../src/creator/apply.js';
import type { UnitStates } from '../../../src/creator/unit-states.js';
import type { StateLayout } from '../../../src/intake/layout.js';
import type { Verdict } from '../../../src/intake/verdict.js';
import { createLogger } from '../../../src/logging/logger.js';
import type { Systemctl } from '../../../src/systemd/systemctl.js';

export function contextWithoutSystemd(
  dirs: { stateDir: string; configDir: string; unitDir: string },
  extra: Partial<ApplyContext> = {},
): ApplyContext {
  return {
    ...dirs,
    dropInTemplate: '',
    systemctl: {} as Systemctl,
    reload: () => Promise.resolve(),
    units: {} as UnitStates,
    settleMs: 0,
    logger: createLogger({ level: 'error', style: 'plain' }),
    ...extra,
  };
}

/** Writes `body` to `file` in the drop folder, handles it, and runs the clean-up of a filed verdict. */
export async function handleAsDaemon(ctx: ApplyContext, file: string, body: object): Promise<Verdict> {
  const text = JSON.stringify(body);
  await writeFile(file, text);
  const handled = await handleRequest(ctx, file, text);
  await handled.commit();
  return handled.verdict;
}

/** The folders of a state directory that the daemon and install.sh make. */
export async function makeStateFolders(layout: StateLayout): Promise<void> {
  for (const dir of [
    layout.requests,
    layout.processed,
    layout.failed,
    layout.projects,
    layout.inflight,
    layout.archive,
  ]) {
    await mkdir(dir, { recursive: true });
  }
}
