import { type JetStreamManager, nanos, RetentionPolicy, StorageType, type StreamInfo } from 'nats';

export interface StreamSpec {
  url: string;
  stream: string;
  prefix: string;
  partitions: number;
  dedupeWindowMs: number;
  maxAgeMs: number;
}

/** The partition count lives in the description: NATS 2.9 has no stream metadata. */
const describe = (partitions: number) => `godwit bus: ${partitions} partitions`;

/**
 * Creates the stream if it is missing; an existing one must have the same partition count and
 * subjects, since a different count would move customers between partitions and break their order.
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  const subjects = [`${spec.prefix}.p.*`, `${spec.prefix}.dead.*`];
  const existing = await jsm.streams.info(spec.stream).catch((error) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (existing) return checkStream(existing, spec, subjects);
  try {
    await jsm.streams.add({
      name: spec.stream,
      description: describe(spec.partitions),
      subjects,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(spec.dedupeWindowMs),
      max_age: nanos(spec.maxAgeMs),
    });
  } catch (error) {
    throw new Error(
      `cannot create JetStream stream ${spec.stream} on ${spec.url} for subjects ${subjects.join(', ')}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function checkStream(info: StreamInfo, spec: StreamSpec, subjects: string[]): void {
  const found = /godwit bus: (\d+) partitions/.exec(info.config.description ?? '')?.[1];
  if (found === undefined) {
    throw new Error(`JetStream stream ${spec.stream} on ${spec.url} exists but was not made by the Godwit bus`);
  }
  if (Number(found) !== spec.partitions) {
    throw new Error(
      `JetStream stream ${spec.stream} on ${spec.url} has ${found} partitions but ${spec.partitions} are configured; ` +
        'the count is fixed for the life of a stream (a change would move customers between partitions)',
    );
  }
  const missing = subjects.filter((s) => !info.config.subjects?.includes(s));
  if (missing.length > 0) {
    throw new Error(`JetStream stream ${spec.stream} on ${spec.url} does not carry ${missing.join(', ')}`);
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { api_error?: { err_code?: number }; message?: string };
  return e?.api_error?.err_code === 10059 || /stream not found/i.test(e?.message ?? '');
}
