import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../shared/config.ts';

export const MASTER_KEY_FILE = 'master.key';

/**
 * The 32-byte key that encrypts secrets and signs tracking and unsubscribe links. From
 * `GODWIT_MASTER_KEY` (64 hex digits or base64) when set; otherwise from `<data dir>/master.key`,
 * written (mode 0600) on first start. Scale-out processes must share one key, so set the variable
 * there; losing the key makes stored secrets unreadable and sent links invalid.
 */
export function loadMasterKey(options: { fromEnv?: string; dataDir: string }): Buffer {
  if (options.fromEnv) return parseMasterKey(options.fromEnv, 'GODWIT_MASTER_KEY');
  const dir = resolve(options.dataDir);
  const file = join(dir, MASTER_KEY_FILE);
  if (existsSync(file)) return parseMasterKey(readFileSync(file, 'utf8').trim(), file);
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(32);
  // `wx`: if another process wrote it first, fail and read theirs rather than overwrite it.
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseMasterKey(readFileSync(file, 'utf8').trim(), file);
  }
}

export function parseMasterKey(text: string, source: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(
      `${source}: the master key must be 32 bytes, as 64 hex digits or base64 (openssl rand -hex 32)`,
    );
  }
  return key;
}
