import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../app/test-processes.ts';

describe('files named on the command line (CLI)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'godwit-files-'));
  const missing = join(dataDir, 'nope');

  it('a missing or unreadable file is one line naming it, before the store is opened', async () => {
    const cases = [
      [['import', `${missing}.csv`], `${missing}.csv: ENOENT`],
      [['import', dataDir], `${dataDir}: not a file`],
      [['policy', 'apply', `${missing}.yaml`], `${missing}.yaml: ENOENT`],
    ] as const;
    for (const [args, what] of cases) {
      const run = await runCli([...args], { dataDir });
      assert.equal(run.code, 1, run.stderr);
      assert.ok(run.stderr.startsWith(`godwit: cannot read ${what}`), run.stderr);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    }
    assert.equal(existsSync(join(dataDir, 'godwit.db')), false, 'no store was created');
  });
});
