// How the creator reads a unit's state after starting it (pure), and systemctl show parsing.
import { describe, expect, it } from 'vitest';
import { classify, type UnitSnapshot } from '../../src/creator/unit-states.js';
import { parseShowBlock } from '../../src/systemd/systemctl.js';

const snapshot = (fields: Partial<UnitSnapshot>): UnitSnapshot => ({
  ActiveState: 'inactive',
  SubState: 'dead',
  Result: 'success',
  InvocationID: 'new',
  StatusText: '',
  ExecMainStatus: '0',
  ...fields,
});

describe('classify', () => {
  it.each([
    [{ ActiveState: 'active', SubState: 'running' }, undefined, 'active'],
    [{ ActiveState: 'activating', SubState: 'start' }, undefined, 'pending'],
    [{ ActiveState: 'inactive' }, undefined, 'pending'],
    [{ ActiveState: 'failed', Result: 'exit-code', ExecMainStatus: '78' }, undefined, 'failed'],
    [{ ActiveState: 'activating', SubState: 'auto-restart', Result: 'exit-code' }, undefined, 'failed'],
    // After a restart the old invocation still reads active until the new one took over.
    [{ ActiveState: 'active', InvocationID: 'old' }, 'old', 'pending'],
    [{ ActiveState: 'active', InvocationID: 'new' }, 'old', 'active'],
  ] as const)('%j (not invocation %s) is %s', (fields, notInvocation, expected) => {
    expect(classify(snapshot(fields), notInvocation)).toBe(expected);
  });
});

describe('parseShowBlock', () => {
  it('splits on the first "=" only', () => {
    expect(parseShowBlock('Id=a.service\nStatusText=lag=4 s\nResult=success\n')).toEqual({
      Id: 'a.service',
      StatusText: 'lag=4 s',
      Result: 'success',
    });
  });
});
