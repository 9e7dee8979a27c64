// Before measuring: the product's build must exist (a stale one is measured with a warning), and
// the MariaDB version is recorded with the figures.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connectRoot } from './dataset.ts';

/** The product must be built; a dist older than src/ is measured anyway, with a warning. */
export function checkBuild(projectRoot: string, cli: string, log: (message: string) => void): void {
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: build the product first (npx tsc -p tsconfig.json)`);
  const built = statSync(cli).mtimeMs;
  const newest = newestMtime(join(projectRoot, 'src'));
  if (newest > built)
    log('warning: src/ changed after dist/ was built; measuring the old build (npx tsc -p tsconfig.json)');
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export async function mariadbVersion(): Promise<string> {
  const connection = await connectRoot();
  try {
    const [rows] = (await connection.query('SELECT VERSION() AS v')) as unknown as [{ v: string }[]];
    return rows[0]?.v ?? 'unknown';
  } finally {
    await connection.end();
  }
}
