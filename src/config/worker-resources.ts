// The worker container's CPU and memory on Kubernetes (defaults.json kubernetes.worker_resources):
// Kubernetes quantities checked here, so a typo is refused naming the key instead of by the API
// server in the middle of a rollout.
import { z } from 'zod';

const CPU_EXPECTATION = 'a CPU quantity: cores ("0.5", "2") or millicores ("250m"), greater than 0';
const MEMORY_EXPECTATION = 'a memory quantity in bytes with a unit, e.g. "160Mi", "1Gi", "500M", greater than 0';

const CPU = /^(\d+(\.\d+)?|\d+m)$/;
const MEMORY = /^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Millicores of a CPU quantity the schema accepted. */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

/** Bytes of a memory quantity the schema accepted. */
export function memoryBytes(quantity: string): number {
  const match = /^(\d+)(\D*)$/.exec(quantity);
  return match ? Number(match[1]) * (MEMORY_UNITS[match[2] ?? ''] ?? Number.NaN) : Number.NaN;
}

// One check each, so a bad value gets one message.
const cpu = z
  .string({ error: CPU_EXPECTATION })
  .refine((value) => CPU.test(value) && cpuMillis(value) > 0, { error: CPU_EXPECTATION });
const memory = z
  .string({ error: MEMORY_EXPECTATION })
  .refine((value) => MEMORY.test(value) && memoryBytes(value) > 0, { error: MEMORY_EXPECTATION });

const amounts = (what: string) =>
  z.strictObject(
    {
      cpu: cpu.optional().describe(`CPU ${what}.`),
      memory: memory.optional().describe(`Memory ${what}.`),
    },
    { error: `an object with "cpu" and/or "memory" (${what})` },
  );

export const WORKER_RESOURCES_DEFAULT = {
  requests: { cpu: '50m', memory: '160Mi' },
  limits: { memory: '256Mi' },
};

/**
 * The worker idles at 100–150 MB: 160Mi requested, 256Mi limit by default; no CPU limit (a
 * throttled worker only syncs later, a killed one starts over). Given requests and limits replace
 * the default ones whole.
 */
export const WorkerResourcesSchema = z
  .strictObject(
    {
      requests: amounts('requested (what the scheduler reserves)')
        .default(WORKER_RESOURCES_DEFAULT.requests)
        .describe('Default {"cpu": "50m", "memory": "160Mi"}.'),
      limits: amounts('limit (memory above it restarts the container)')
        .default(WORKER_RESOURCES_DEFAULT.limits)
        .describe('Default {"memory": "256Mi"}.'),
    },
    { error: 'an object with "requests" and "limits"' },
  )
  .superRefine(({ requests, limits }, context) => {
    // The API server refuses a request above its limit; say so here, naming the key.
    const amount = { cpu: cpuMillis, memory: memoryBytes };
    for (const key of ['cpu', 'memory'] as const) {
      const requested = requests[key];
      const limit = limits[key];
      if (requested && limit && amount[key](requested) > amount[key](limit)) {
        context.addIssue({
          code: 'custom',
          path: ['requests', key],
          input: requested,
          message: `at most the limit ${limit}`,
        });
      }
    }
  })
  .prefault({})
  .describe("The worker container's requests and limits.");

export type WorkerResources = z.infer<typeof WorkerResourcesSchema>;
