// contrib/prometheus/db-proxy.rules.yml is valid for Prometheus (`promtool check rules`) and fires
// what it says on the series of its unit tests (`promtool test rules`).
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../support/cli.js';
import { prometheusBinary } from '../../support/prometheus.js';

const dir = `${projectRoot}contrib/prometheus`;

describe('the Prometheus alert rules', () => {
  it('pass promtool check rules', async () => {
    const result = await execa(prometheusBinary('promtool'), ['check', 'rules', 'db-proxy.rules.yml'], {
      cwd: dir,
      reject: false,
      all: true,
    });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/SUCCESS: 5 rules found/);
  });

  it('pass their unit tests (promtool test rules)', async () => {
    const result = await execa(prometheusBinary('promtool'), ['test', 'rules', 'db-proxy.rules.test.yml'], {
      cwd: dir,
      reject: false,
      all: true,
    });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/SUCCESS/);
  });
});
