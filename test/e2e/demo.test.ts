// `npm run demo` runs to the end: the newcomer's way to watch db-proxy work.
import { execa } from 'execa';
import { expect, inject, it } from 'vitest';
import { projectRoot } from '../support/cli.js';

it(
  'the demo seeds, installs, submits, shows status, unit and rows, and sees a new wave arrive',
  async () => {
    // The same script `npm run demo` runs after building (npm test has built already).
    const demo = await execa(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/demo.ts'], {
      cwd: projectRoot,
      env: { MONGO_URL: inject('mongoUrl') },
      reject: false,
      all: true,
      timeout: 6 * 60_000,
    });
    const output = demo.all;
    expect(demo.exitCode, output).toBe(0);
    for (const marker of [
      /accepted: demo-TOR-BGO-\w+ started as db-proxy@demo\\x2dTOR\\x2dBGO\\x2d\w+\.service \(active\)/,
      /;TL_measures;Extraction_1_dev_a;300: \d+ documents/,
      /^demo-TOR-BGO-\w+ +active\/running +ok /m,
      /Status: "ok: last wave \d+/,
      /^wave_counter +ts +AHU-1\.SupplyTemp/m,
      /synced into MongoDB after [\d.]+ s:/,
      /demo finished/,
    ]) {
      expect(output).toMatch(marker);
    }
    // The rows printed after the new wave arrived include that wave.
    const wave = /inserted wave (\d+) /.exec(output)?.[1];
    expect(wave, output).toBeDefined();
    expect(output.slice(output.indexOf('synced into MongoDB after'))).toMatch(new RegExp(`^${wave}\\s`, 'm'));
    console.log(
      output
        .split('\n')
        .filter((line) => line.startsWith('==') || line.includes('synced into'))
        .join('\n'),
    );
  },
  6 * 60_000,
);
