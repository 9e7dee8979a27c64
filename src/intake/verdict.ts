// The creator's verdict on one request: written as JSON beside the handled request, read back by
// `db-proxy submit`, and printed for the operator.
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../creator/files.js';
import { redactDeep } from '../logging/redact.js';
import { VERDICT_SUFFIX } from './layout.js';

export const OUTCOMES = ['started', 'restarted', 'unchanged', 'removed', 'rejected', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const VerdictSchema = z.object({
  request_id: z.string(),
  time: z.string(),
  database: z.string().nullable(),
  unit: z.string().nullable(),
  action: z.enum(['sync', 'remove']).nullable(),
  outcome: z.enum(OUTCOMES),
  /** started, restarted, unchanged and removed are accepted; rejected and failed are not. */
  accepted: z.boolean(),
  reasons: z.array(z.string()),
  /** The unit's state when the verdict was written (`active`, `activating`, …). */
  unit_state: z.string().nullable(),
  /** The worker's last STATUS= line, when it had one. */
  unit_status: z.string().nullable(),
  duration_ms: z.number(),
});

export type Verdict = z.infer<typeof VerdictSchema>;

export function isAccepted(outcome: Outcome): boolean {
  return outcome !== 'rejected' && outcome !== 'failed';
}

export function makeVerdict(fields: Omit<Verdict, 'accepted' | 'time'>, now: Date = new Date()): Verdict {
  return { ...fields, time: now.toISOString(), accepted: isAccepted(fields.outcome) };
}

export function verdictFileName(requestId: string): string {
  return `${requestId}${VERDICT_SUFFIX}`;
}

/** The space the creator reserved for a verdict before it changed anything (a full disk cannot refuse it). */
export function verdictReservePath(dir: string, requestId: string): string {
  return join(dir, `.${verdictFileName(requestId)}.reserve`);
}

/**
 * Writes the verdict atomically and durably (file and folder flushed), into its reserved space when
 * there is one. Its reasons quote requests, workers and systemctl: it is redacted here, where it is
 * stored for the group to read.
 */
export async function writeVerdict(dir: string, verdict: Verdict): Promise<string> {
  const path = join(dir, verdictFileName(verdict.request_id));
  await writeFileAtomic(path, `${JSON.stringify(redactDeep(verdict), null, 2)}\n`, {
    mode: 0o640,
    reserved: verdictReservePath(dir, verdict.request_id),
  });
  return path;
}

export function parseVerdict(text: string): Verdict | undefined {
  try {
    const result = VerdictSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** What submit prints: the outcome, the reasons, and for an accepted project how to watch it. */
export function formatVerdict(verdict: Verdict): string {
  const lines: string[] = [];
  const subject = verdict.database ?? 'the request';
  switch (verdict.outcome) {
    case 'started':
      lines.push(`accepted: ${subject} started as ${verdict.unit ?? '?'} (${verdict.unit_state ?? 'unknown'})`);
      break;
    case 'restarted':
      lines.push(`accepted: ${subject} changed; ${verdict.unit ?? '?'} restarted (${verdict.unit_state ?? 'unknown'})`);
      break;
    case 'unchanged':
      lines.push(
        `accepted: ${subject} unchanged; ${verdict.unit ?? '?'} left as it was (${verdict.unit_state ?? 'unknown'})`,
      );
      break;
    case 'removed':
      lines.push(
        isDeployment(verdict.unit)
          ? `accepted: ${subject} removed; ${verdict.unit} and its ConfigMap deleted, folder archived`
          : `accepted: ${subject} removed; ${verdict.unit ?? '?'} stopped and disabled, folder archived`,
      );
      break;
    case 'rejected':
      lines.push(`rejected: ${subject}: the request was refused`);
      break;
    case 'failed':
      lines.push(`failed: ${subject}: the change could not be applied and was rolled back`);
      break;
  }
  for (const reason of verdict.reasons) lines.push(`  ${reason}`);
  if (verdict.unit_status) lines.push(`  status: ${verdict.unit_status}`);
  if (verdict.accepted && verdict.unit && verdict.outcome !== 'removed') {
    lines.push(`watch it with:`);
    if (isDeployment(verdict.unit)) {
      // In the namespace of defaults.json's kubernetes.namespace.
      lines.push(`  kubectl get ${verdict.unit}`);
      lines.push(`  kubectl logs -f ${verdict.unit}`);
    } else {
      lines.push(`  systemctl status ${shellQuote(verdict.unit)}`);
      lines.push(`  journalctl -u ${shellQuote(verdict.unit)} -f`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Workers on Kubernetes are named `deployment/<name>` where systemd has a unit. */
function isDeployment(unit: string | null): unit is string {
  return unit !== null && unit.startsWith('deployment/');
}

/** Unit names of databases with `-` hold `\x2d`: quote them for copy and paste into a shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9@._:/=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
