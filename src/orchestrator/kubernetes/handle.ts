// The creator's Kubernetes backend, entered from the request handler when defaults.json says
// `orchestrator: "kubernetes"`: merges the request, then runs the transaction over the adapter.
import { join } from 'node:path';
import type { Defaults } from '../../config/defaults-schema.js';
import { mergeConfig } from '../../config/effective.js';
import { loadDefaults } from '../../config/load-defaults.js';
import { exists } from '../../creator/files.js';
import { describeError } from '../../errors.js';
import { projectDir, stateLayout, type StateLayout } from '../../intake/layout.js';
import { makeVerdict } from '../../intake/verdict.js';
import type { Logger } from '../../logging/logger.js';
import type { Submission } from '../../request/submission.js';
import { recoverOrchestrated, runRemoval, runSync, type Handled } from '../run.js';
import { kubernetesOrchestrator } from './adapter.js';
import { resourceName } from './manifests.js';

export interface KubernetesRequest {
  layout: StateLayout;
  defaults: Defaults;
  submission: Submission;
  requestId: string;
  file: string;
  started: number;
  logger: Logger;
}

async function orchestratorFor(defaults: Defaults) {
  if (!defaults.kubernetes) throw new Error('defaults.json has no "kubernetes" settings');
  // Loaded on first use: a creator driving systemd never loads the Kubernetes client.
  const { kubernetesClientFor } = await import('./client.js');
  return kubernetesOrchestrator({ settings: defaults.kubernetes, client: kubernetesClientFor(defaults.kubernetes) });
}

export async function handleOnKubernetes(input: KubernetesRequest): Promise<Handled> {
  const { layout, defaults, submission, requestId, file, started, logger } = input;
  const req = { requestId, file, started };
  const database = submission.action === 'remove' ? submission.database : submission.request.database;
  const unit = `deployment/${resourceName(database)}`;
  const done = (outcome: 'rejected' | 'failed', reasons: string[]): Handled => ({
    verdict: makeVerdict({
      request_id: requestId,
      database,
      unit,
      action: submission.action,
      outcome,
      reasons,
      unit_state: null,
      unit_status: null,
      duration_ms: Date.now() - started,
    }),
    commit: () => Promise.resolve(),
    abort: () => Promise.resolve(),
  });
  let orchestrator;
  try {
    orchestrator = await orchestratorFor(defaults);
  } catch (error) {
    return done('failed', [`nothing was changed: ${describeError(error)}`]);
  }
  const ctx = { layout, logger };
  if (submission.action === 'remove') return runRemoval(orchestrator, ctx, database, req);
  const merged = mergeConfig(submission.request, defaults);
  if (!merged.ok) {
    const reasons = [...merged.issues];
    if (await exists(projectDir(layout, database))) reasons.push(`the running project ${database} was left as it was`);
    return done('rejected', reasons);
  }
  return runSync(orchestrator, ctx, { request: submission.request, effective: merged.value, defaults }, req);
}

/** On the creator's start: requests a killed creator left half-done on Kubernetes. */
export async function recoverOnKubernetes(ctx: {
  configDir: string;
  stateDir: string;
  logger: Logger;
}): Promise<{ database: string; request_id: string; result: 'finished' | 'rolled back' }[]> {
  const defaults = await loadDefaults(ctx.configDir);
  const layout = stateLayout(ctx.stateDir, defaults.projects_dir);
  if (!(await exists(join(layout.inflight, 'kubernetes')))) return [];
  if (!defaults.kubernetes) {
    ctx.logger.error(
      `${join(layout.inflight, 'kubernetes')} holds interrupted Kubernetes requests, but defaults.json has no "kubernetes" settings to roll them back with`,
    );
    return [];
  }
  return recoverOrchestrated(await orchestratorFor(defaults), { layout, logger: ctx.logger });
}
