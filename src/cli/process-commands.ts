import { createGodwit } from '../app/godwit.ts';
import { parseRoles, ROLES, rolesProblem } from '../cluster/cluster-config.ts';
import { type Config, loadConfig } from '../shared/config.ts';
import { GodwitError } from '../shared/errors.ts';
import { type Flags, start, stopOnSignal } from './commands.ts';
import { listenOrExplain } from './listen-problems.ts';

export const processUsage = `  api                                 serve the HTTP API only (scale-out: run several)
  worker [--roles ${ROLES.join(',')}]
                                      run background work only (default every role; or GODWIT_ROLES)`;

export const processOptions = { roles: { type: 'string' } } as const;

/** API and worker processes share one PostgreSQL database. */
function needsDatabase(command: string): Config {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new GodwitError(
      'invalid_input',
      `godwit ${command} needs DATABASE_URL: API and worker processes share one PostgreSQL`,
    );
  }
  return config;
}

/** `godwit api`: the HTTP API, no background work; events are committed to the store and workers take them from there. */
export async function api(): Promise<void> {
  needsDatabase('api');
  await start({ roles: [] });
}

/** `godwit worker`: the background work of its roles; /healthz, /readyz and /metrics on PORT. */
export async function worker(flags: Flags): Promise<void> {
  const config = needsDatabase('worker');
  const given = typeof flags.roles === 'string' ? flags.roles : config.GODWIT_ROLES;
  const problem = rolesProblem(given);
  if (problem) throw new GodwitError('invalid_input', `--roles ${JSON.stringify(given)}: ${problem}`);
  const roles = parseRoles(given);
  const godwit = await createGodwit(config);
  const url = await listenOrExplain(godwit, { roles, ops: true });
  const bus = config.NATS_URL
    ? `NATS ${config.NATS_URL}, ${config.GODWIT_PARTITIONS} partitions`
    : 'no NATS (store cursors)';
  console.log(`Godwit worker (${roles.join(', ')}; ${bus}); metrics ${url}/metrics`);
  stopOnSignal(godwit);
}
