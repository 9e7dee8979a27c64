// The command as a whole, run as operators run it (the built dist/cli/main.js).
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli.js';

describe('db-proxy', () => {
  it('stops quietly with exit 0 when the reader of its output goes away (db-proxy … | head)', async () => {
    const child = spawnCli(['validate', '--help']);
    // Closed before the command writes a byte: its first write meets a pipe without reader.
    child.stdout?.destroy();
    const result = await child;
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});
