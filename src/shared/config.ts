import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { checkClusterConfig, clusterConfigShape } from '../cluster/cluster-config.ts';
import { deliveryConfigShape } from '../delivery/delivery-config.ts';
import { checkProviderConfig, providerConfigShape } from '../delivery/providers/provider-config.ts';
import { isObject } from './json.ts';

const portSchema = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 (any free port) and 65535')
  .max(65535, 'must be between 0 (any free port) and 65535');

// Strict: an unknown name in godwit.config.json is a typo that would otherwise be ignored in silence.
const configSchema = z.strictObject({
  PORT: portSchema.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  GODWIT_DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave it unset for the embedded store)')
    .optional(),
  NATS_URL: z
    .string()
    .regex(/^nats:\/\//, 'must be a nats:// URL')
    .optional(),
  GODWIT_DEFAULT_COUNTRY: z
    .string()
    .refine(isSupportedCountry, 'must be a two-letter (ISO 3166) country code such as US or CN')
    .optional(),
  /** 32 bytes (64 hex digits or base64) sealing secrets and signing links; else <data dir>/master.key. */
  GODWIT_MASTER_KEY: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Embedded store: journeys run on a thread of their own (`off`: in the server's thread, as tests do). */
  GODWIT_JOURNEY_THREAD: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  ...providerConfigShape,
  ...deliveryConfigShape,
  ...clusterConfigShape,
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = Partial<Record<keyof Config, string | number>>;

/** Raised when configuration is wrong; the message names each bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads configuration from `godwit.config.json` (or the file named by GODWIT_CONFIG)
 * and the environment; the environment wins. Empty variables count as unset.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const fromFile = readConfigFile(env.GODWIT_CONFIG, cwd);
  const fromEnv: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  return parseConfig({ ...fromFile, ...fromEnv });
}

export function parseConfig(input: ConfigInput): Config {
  const result = configSchema.superRefine(checkProviderConfig).superRefine(checkClusterConfig).safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `  ${key}: not a Godwit setting (a typo?); the README's Configuration lists them`);
    }
    const name = issue.path.length > 0 ? String(issue.path[0]) : 'config';
    return `  ${name}=${shownValue(name, input[name as keyof Config])}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

// Errors end up in terminals, CI logs and bug reports: secrets (GODWIT_MASTER_KEY, …_AUTH_TOKEN, …_APP_SECRET)
// are never shown, and a password in a URL (postgres://app:s3cret@db) is masked wherever it appears.
const SECRET_NAME = /_(KEY|TOKEN|SECRET|PASSWORD)$/;
// user:password@ after "//" or at the start (a URL missing its scheme); greedy to the last @, as an unescaped
// password may hold one. The lookahead keeps "postgres:" of "postgres://…" from reading as a user name.
const USERINFO_PASSWORD = /(^|\/\/)([^\s:/@]*):(?!\/\/)\S*@/g;

function shownValue(name: string, value: unknown): string {
  if (value === undefined) return '(unset)';
  if (SECRET_NAME.test(name)) return '(hidden)';
  const masked = (text: string) => text.replace(USERINFO_PASSWORD, '$1$2:***@');
  return typeof value === 'string' ? JSON.stringify(masked(value)) : masked(JSON.stringify(value));
}

function readConfigFile(explicitPath: string | undefined, cwd: string): ConfigInput {
  const path = resolve(cwd, explicitPath ?? 'godwit.config.json');
  if (!existsSync(path)) {
    if (explicitPath) throw new ConfigError(`GODWIT_CONFIG: file not found: ${path}`);
    return {};
  }
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(file)) throw new ConfigError(`${path}: must be a JSON object of settings`);
  // `$schema` (for editors) and keys starting with "//" (comments) annotate the file; they are not settings.
  return Object.fromEntries(
    Object.entries(file).filter(([key]) => key !== '$schema' && !key.startsWith('//')),
  ) as ConfigInput;
}
