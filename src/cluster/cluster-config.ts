import { z } from 'zod';

/** The kinds of background work a worker process can take on (`godwit worker --roles …`). */
export const ROLES = ['profiles', 'segments', 'journeys', 'timers', 'delivery'] as const;
export type Role = (typeof ROLES)[number];

/** `journeys, timers` → ['journeys', 'timers']; unknown names are left for the schema to reject. */
export function parseRoles(text: string): Role[] {
  return text
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean) as Role[];
}

/** What is wrong with a list of roles, in words; undefined when nothing is. */
export function rolesProblem(text: string): string | undefined {
  const roles = parseRoles(text);
  const unknown = roles.filter((r) => !ROLES.includes(r));
  if (roles.length > 0 && unknown.length === 0) return undefined;
  const what = unknown.length > 0 ? `unknown role ${unknown.join(', ')}; ` : '';
  return `${what}roles are a comma-separated list of ${ROLES.join(', ')}`;
}

const rolesSchema = z.string().superRefine((text, context) => {
  const problem = rolesProblem(text);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/** The scale-out runtime's configuration variables, part of the config schema (src/shared/config.ts). */
export const clusterConfigShape = {
  /** Partitions of the event stream; fixed once the stream exists. */
  GODWIT_PARTITIONS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 1024')
    .max(1024, 'must be between 1 and 1024')
    .default(16),
  /** What a worker (and `godwit start`) runs: a comma-separated list; default every role. */
  GODWIT_ROLES: rolesSchema.default(ROLES.join(',')),
  /**
   * Partition batches a worker handles at once. They wait on the database, not the CPU: at 400
   * events/s on 2 cores, 16 gave p99 event → outbox 0.8 s where 4 gave 2-4 s.
   */
  GODWIT_CONCURRENCY: z.coerce.number().int().min(1, 'must be at least 1').max(256).default(16),
  /** Deliveries of an event that keeps failing before it goes to the dead letters. */
  GODWIT_MAX_ATTEMPTS: z.coerce.number().int().min(1, 'must be at least 1').max(100).default(5),
  /** The JetStream stream and its subject prefix (one pair per installation sharing a NATS server). */
  GODWIT_NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"')
    .default('GODWIT_EVENTS'),
  GODWIT_NATS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"')
    .default('godwit'),
};

/** The scale-out runtime needs one store that every process shares. */
export function checkClusterConfig(
  config: { NATS_URL?: string; DATABASE_URL?: string },
  context: z.RefinementCtx,
): void {
  if (config.NATS_URL && !config.DATABASE_URL) {
    context.addIssue({
      code: 'custom',
      path: ['DATABASE_URL'],
      message: 'must be set when NATS_URL is: API and worker processes share one PostgreSQL database',
    });
  }
}
