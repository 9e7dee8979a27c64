// The STATUS= line through which a worker hands its preflight findings to the creator.
import { describe, expect, it } from 'vitest';
import { formatConfigStatus, parseConfigStatus } from '../../src/preflight/status-line.js';

describe('config status line', () => {
  it('carries each finding intact, one per field', () => {
    const issues = [
      'measures: table TL_measurez does not exist in TOR-BGO-150KingW; tables there: TL_measures, hs_measures',
      'source.cycle_interval: column interval_s does not exist in extraction_cycle; columns there: a, b',
    ];
    expect(parseConfigStatus(formatConfigStatus(issues))).toEqual(issues);
  });

  it('is not read into any other status', () => {
    expect(parseConfigStatus('starting: MySQL 127.0.0.1:1: connect ECONNREFUSED (retry in 2 s)')).toBeUndefined();
    expect(parseConfigStatus('configuration: ')).toBeUndefined();
  });
});
