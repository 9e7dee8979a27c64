// The baseline product of the steady benchmark: the source tree of a git revision (default d523c84,
// the last before sync v2, i.e. today's policy) exported with `git archive` into a temporary
// directory and built there. Its node_modules is the working tree's when both package-lock.json are
// equal, else installed with `npm ci --offline` from the npm cache. Removed on every exit path.
import { execFile } from 'node:child_process';
import { readFile, mkdtemp, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defer } from './cleanup.ts';

const run = promisify(execFile);
export const DEFAULT_BASELINE_REV = 'd523c84';

export interface BaselineBuild {
  rev: string;
  /** The full commit id the revision names. */
  commit: string;
  cli: string;
  dependencies: 'shared node_modules' | 'npm ci --offline';
  buildMs: number;
}

export async function buildBaseline(projectRoot: string, rev: string): Promise<BaselineBuild> {
  const started = performance.now();
  let commit: string;
  try {
    commit = (await run('git', ['-C', projectRoot, 'rev-parse', '--verify', `${rev}^{commit}`])).stdout.trim();
  } catch {
    throw new Error(`--baseline-rev: ${JSON.stringify(rev)} is not a commit of ${projectRoot}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'dbp-bench-baseline-'));
  defer(`remove the baseline build ${dir}`, () => rm(dir, { recursive: true, force: true }));
  // git archive writes a tar of the tree; nothing in the repository (worktrees, refs) changes.
  await run(
    'bash',
    ['-c', 'git -C "$1" archive --format=tar "$2" | tar -x -C "$3"', 'archive', projectRoot, commit, dir],
    {
      maxBuffer: 1 << 20,
    },
  );
  const sameLock =
    existsSync(join(dir, 'package-lock.json')) &&
    (await readFile(join(dir, 'package-lock.json'), 'utf8')) ===
      (await readFile(join(projectRoot, 'package-lock.json'), 'utf8'));
  let dependencies: BaselineBuild['dependencies'];
  if (sameLock) {
    await symlink(join(projectRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    dependencies = 'shared node_modules';
  } else {
    await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: dir,
      maxBuffer: 16 << 20,
    }).catch((error: unknown) => {
      throw new Error(
        `baseline ${rev}: npm ci --offline failed (a package missing from the npm cache?): ${String(error)}`,
      );
    });
    dependencies = 'npm ci --offline';
  }
  const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, maxBuffer: 16 << 20 }).catch(
    (error: unknown) => {
      const output = error as { stdout?: string };
      throw new Error(`baseline ${rev}: the build failed:\n${output.stdout ?? String(error)}`);
    },
  );
  const cli = join(dir, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`baseline ${rev}: the build has no dist/cli/main.js`);
  return { rev, commit, cli, dependencies, buildMs: performance.now() - started };
}
