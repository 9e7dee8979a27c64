// The creator's pure decision, the same for every orchestrator: a verdict at once or the steps
// of a transaction, from what the request would run and what exists now.
import { describe, expect, it } from 'vitest';
import { decideRemoval, decideSync, type Existing } from '../../src/creator/transaction/decide.js';

const running: Existing = { hasFolder: true, folderHash: 'h1', exists: true, current: true, running: true };
const none: Existing = { hasFolder: false, folderHash: undefined, exists: false, current: false, running: false };

describe('decideSync', () => {
  it('says unchanged, touching nothing, when the same configuration runs and the folder records it', () => {
    expect(decideSync('h1', running)).toEqual({
      kind: 'verdict',
      outcome: 'unchanged',
      reasons: ['the configuration is the same as the running one'],
    });
  });

  it('lays out only the folder when what runs is right but the folder is lost or older', () => {
    expect(decideSync('h1', { ...running, hasFolder: false, folderHash: undefined })).toMatchObject({
      action: 'record',
      outcome: 'unchanged',
      steps: ['reserve-verdict', 'stage-folder', 'swap-folder'],
    });
  });

  it('starts a stopped worker of the same configuration without laying out its folder again', () => {
    expect(decideSync('h1', { ...running, running: false })).toMatchObject({
      action: 'start',
      outcome: 'started',
      steps: ['reserve-verdict', 'hold', 'activate', 'await-ready'],
    });
  });

  it('installs a new or changed configuration: folder, activation, readiness', () => {
    const steps = ['reserve-verdict', 'hold', 'stage-folder', 'swap-folder', 'activate', 'await-ready'];
    expect(decideSync('h1', none)).toMatchObject({ action: 'sync', outcome: 'started', steps });
    expect(decideSync('h2', { ...running, current: false })).toMatchObject({ outcome: 'restarted', steps });
    // Objects without a folder (a folder deleted by hand) are a project that exists.
    expect(decideSync('h1', { ...none, exists: true })).toMatchObject({ outcome: 'restarted' });
  });
});

describe('decideRemoval', () => {
  it('rejects the removal of a project that does not exist, naming the ones that do', () => {
    expect(decideRemoval(none, 'x', ['a', 'b'])).toEqual({
      kind: 'verdict',
      outcome: 'rejected',
      reasons: ['there is no project x; projects: a, b'],
    });
  });

  it('deactivates, then retires the folder, holding the previous state for a roll-back', () => {
    expect(decideRemoval({ ...none, exists: true }, 'x', [])).toMatchObject({
      action: 'remove',
      steps: ['reserve-verdict', 'hold', 'deactivate', 'retire-folder'],
    });
  });
});
