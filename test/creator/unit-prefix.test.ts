// A project keeps the unit it was created with: after a change of unit_prefix in defaults.json
// the creator refuses a change of that project (naming both prefixes) and leaves it running as
// it was; its removal still addresses the unit its folder records.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { TransactionEnv, requestFor } from './support/transaction-env.js';

const DB = 'TOR-BGO-150KingW';
const envs: TransactionEnv[] = [];
afterEach(async () => {
  while (envs.length > 0) await envs.pop()?.dispose();
});

it('refuses a change under another unit_prefix and removes the project by its recorded unit', async () => {
  const e = await TransactionEnv.create();
  envs.push(e);
  await e.submit(requestFor(DB));
  const before = await e.world(DB);
  await writeFile(join(e.configDir, 'defaults.json'), JSON.stringify({ unit_prefix: 'dbp' }));

  const { verdict } = await e.submit(requestFor(DB, { sleep_time: 9 }));
  expect(verdict).toMatchObject({ outcome: 'rejected', unit: e.unit(DB) });
  expect(verdict?.reasons).toEqual([
    `unit_prefix: defaults.json says dbp, but ${DB} runs as ${e.unit(DB)}; set unit_prefix back, or remove the project first`,
    `the running project ${DB} was left as it was`,
  ]);
  expect(await e.world(DB)).toEqual(before);

  const removed = await e.submit({ action: 'remove', database: DB });
  expect(removed.verdict).toMatchObject({ outcome: 'removed', unit: e.unit(DB) });
  expect(await e.world(DB)).toMatchObject({ folderHash: null, dropIn: null, enabled: false, active: false });
});
