// Preloaded with `--import`: records the npm packages a process loads (by import or require) and
// writes their names, one per line, to $DB_PROXY_TEST_PACKAGES when it exits.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const packages = new Set();
registerHooks({
  load(url, context, nextLoad) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match) packages.add(match[1]);
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  const target = process.env.DB_PROXY_TEST_PACKAGES;
  if (target) writeFileSync(target, [...packages].sort().join('\n'));
});
