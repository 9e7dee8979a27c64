// Global setup of every test project: compiles src/ into dist/ once per run, before any suite, so
// the CLI tests (which run dist/cli/main.js as operators do) never test a stale build.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

// Several projects of one run list this setup; they share the main process, so one build serves all.
const shared = globalThis as { dbProxyBuild?: Promise<void> };

export default async function setup(): Promise<void> {
  shared.dbProxyBuild ??= build();
  await shared.dbProxyBuild;
}

async function build(): Promise<void> {
  const started = Date.now();
  const result = await execa(process.execPath, [tsc, '-p', 'tsconfig.json'], {
    cwd: projectRoot,
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0)
    throw new Error(`the build (tsc -p tsconfig.json) failed, so no test can run:\n${result.all}`);
  console.log(`built dist/ for the tests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
