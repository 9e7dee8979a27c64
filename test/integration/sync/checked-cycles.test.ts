// The check pass's one statement against a real MariaDB: the cycle rows of the given ranges, each
// with the digest of its wave's measures, at every statement size a range list is padded to.
import { describe, expect, it } from 'vitest';
import { WaveDigest } from '../../../src/sync/digest.js';
import type { WaveRange } from '../../../src/sync/schedule.js';
import { generateDataset } from '../../support/dataset.js';
import { inProcessSync } from '../../support/in-process.js';
import { seededSyncProject } from '../../support/sync-project.js';

const now = Math.floor(Date.now() / 1000);
const data = generateDataset({
  now,
  spanSeconds: 86_400,
  waves: 300,
  points: 12,
  monitories: [
    { name: 'Extraction_1_dev_a', interval: 300 },
    { name: 'Extraction_2_dev_a', interval: 900 },
  ],
});
// Cycle rows whose wave has no measures: no digest.
const bare = [now - 50_000, now - 40_000].map((wave) => ({ wave, monitory: 'Extraction_1_dev_a', interval: 300 }));
data.cycles.push(...bare);
const kept = ['Extraction_1_dev_a', 'Extraction_2_dev_a'];
const waves = [...new Set(data.cycles.map((cycle) => cycle.wave))].sort((a, b) => a - b);

/** `count` disjoint ranges, each over one or two waves, spread over the data set. */
function rangesOf(count: number): WaveRange[] {
  const step = Math.floor(waves.length / count);
  return Array.from({ length: count }, (_, i) => {
    const first = waves[i * step] as number;
    const second = waves[i * step + (i % 2)] as number;
    return [first, second];
  });
}

describe('readCheckedCycles (real MariaDB)', () => {
  const project = seededSyncProject(data);

  it.each([1, 3, 4, 5, 16, 17, 128])(
    'returns exactly the cycle rows of %i ranges, each with its wave digest, in wave order',
    async (count) => {
      const sync = await inProcessSync(project());
      try {
        const ranges = rangesOf(count);
        const inRanges = (wave: number): boolean => ranges.some(([from, to]) => wave >= from && wave <= to);
        const got = await sync.source.readCheckedCycles(kept, ranges, 0, 10_000);
        const want = data.cycles.filter((cycle) => inRanges(cycle.wave));
        expect(got.map(({ wave, monitory }) => `${wave}/${monitory}`).sort()).toEqual(
          want.map(({ wave, monitory }) => `${wave}/${monitory}`).sort(),
        );
        expect(got.map((cycle) => cycle.wave)).toEqual([...got.map((cycle) => cycle.wave)].sort((a, b) => a - b));
        // The digest the server computed equals the one summed from the rows it sends with their CRCs.
        const rows = await sync.source.readMeasures([...new Set(got.map((cycle) => cycle.wave))]);
        const digests = new Map<number, WaveDigest>();
        for (const [wave, , , crc] of rows) {
          const digest = digests.get(wave) ?? new WaveDigest();
          digest.add(crc);
          digests.set(wave, digest);
        }
        for (const cycle of got) expect(cycle.digest, `wave ${cycle.wave}`).toBe(digests.get(cycle.wave)?.toString());
        if (count === 1) expect(got.every((cycle) => cycle.digest !== undefined)).toBe(true);
      } finally {
        await sync.close();
      }
    },
  );

  it('gives no digest to a wave without measures, and honours from and the limit', async () => {
    const sync = await inProcessSync(project());
    try {
      const all: WaveRange[] = [[0, Number.MAX_SAFE_INTEGER]];
      const got = await sync.source.readCheckedCycles(kept, all, 0, 10_000);
      expect(got).toHaveLength(data.cycles.length);
      for (const cycle of bare) expect(got.find((c) => c.wave === cycle.wave)?.digest).toBeUndefined();
      const from = waves[100] as number;
      const page = await sync.source.readCheckedCycles(kept, all, from, 7);
      expect(page).toHaveLength(7);
      expect(page[0]?.wave).toBe(from);
    } finally {
      await sync.close();
    }
  });
});
