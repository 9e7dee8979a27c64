// The creator's verdict for a request that drops a monitory name names it and the collection
// pattern (the creator has no network to list the collections themselves).
import { afterEach, describe, expect, it } from 'vitest';
import { TransactionEnv, requestFor } from './support/transaction-env.js';

const DB = 'TOR-BGO-150KingW';
let env: TransactionEnv | undefined;
afterEach(async () => {
  await env?.dispose();
  env = undefined;
});

describe('a request dropping a monitory name', () => {
  it('is applied, and its verdict says which monitory name is no longer synced', async () => {
    env = await TransactionEnv.create();
    const both = requestFor(DB, { monitory_name_kept: ['Extraction_1_dev_a', 'Extraction_2_dev_a'] });
    expect((await env.submit(both)).verdict?.reasons.join('\n') ?? '').not.toContain('no longer synced');
    const { verdict } = await env.submit(requestFor(DB));
    expect(verdict?.outcome).toBe('restarted');
    expect(verdict?.reasons).toContain(
      `no longer synced: monitory name "Extraction_2_dev_a" (collections "${DB};TL_measures;Extraction_2_dev_a;<interval>"); ` +
        'their documents stay in MongoDB until retention ages them out',
    );
  });
});
