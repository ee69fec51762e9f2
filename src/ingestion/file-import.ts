import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import { isPlaceholder } from '../profiles/placeholder-ids.ts';
import { isObject } from '../shared/json.ts';
import type { Store } from '../storage/store.ts';
import type { IngestionService } from './ingestion-service.ts';

export type ImportKind = 'customers' | 'events';

export interface ImportSummary {
  rows: number;
  imported: number;
  duplicates: number;
  rejected: number;
  /** The first rejections, each with its line and why. */
  rejections: { line: number; reason: string }[];
  lastSeq: number;
}

export interface ImportOptions {
  store: Store;
  ingestion: IngestionService;
  workspaceId: string;
  file: string;
  kind: ImportKind;
  onProgress?: (progress: { bytes: number; totalBytes: number; rows: number }) => void;
}

const CHUNK = 5000;
const MAX_LISTED_REJECTIONS = 50;
const USER_ID_COLUMNS = ['user_id', 'userId', 'id', 'external_id'];

/**
 * Streams a customers CSV or an events NDJSON file into the event log through the same validation
 * as the HTTP API. Rows are handled in chunks of 5,000; what grows with the file is only a count per
 * distinct NDJSON line without a messageId (about 100 bytes each). Re-importing a file is harmless
 * because each row's messageId is derived from its content.
 */
export async function importFile(options: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = { rows: 0, imported: 0, duplicates: 0, rejected: 0, rejections: [], lastSeq: 0 };
  const totalBytes = statSync(options.file).size;
  const stream = createReadStream(options.file);
  let pending: { line: number; message: unknown }[] = [];

  const reject = (line: number, reason: string) => {
    summary.rejected += 1;
    listInLineOrder(summary.rejections, { line, reason });
  };
  const flush = async () => {
    const batch = pending;
    pending = [];
    const { events, errors } = options.ingestion.prepare(
      options.workspaceId,
      batch.map((p) => p.message),
    );
    for (const error of errors) reject(batch[error.index]?.line ?? 0, error.message);
    const inserted = await options.store.appendEvents(events);
    summary.imported += inserted;
    summary.duplicates += events.length - inserted;
    options.onProgress?.({ bytes: stream.bytesRead, totalBytes, rows: summary.rows });
  };

  const rows = options.kind === 'customers' ? customerRows(stream) : eventRows(stream);
  for await (const row of rows) {
    summary.rows += 1;
    if ('error' in row) reject(row.line, row.error);
    else pending.push(row);
    if (pending.length >= CHUNK) await flush();
  }
  await flush();
  summary.lastSeq = await options.store.lastEventSeq();
  return summary;
}

type Row = { line: number; message: unknown } | { line: number; error: string };

async function* eventRows(stream: NodeJS.ReadableStream): AsyncGenerator<Row> {
  const occurrences = new Map<string, number>();
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    line += 1;
    if (text.trim() === '') continue;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      yield { line, error: `not valid JSON: ${(error as Error).message}` };
      continue;
    }
    // The whole message is the content, so events differing in any field (a property, the timestamp) stay
    // apart. Spacing is not content: the parsed line is re-serialised. Identical lines can be real repeats (two
    // clicks without a timestamp), so the nth of them hashes with n: each is kept, and a re-import matches them.
    if (isObject(message) && message.messageId === undefined) {
      const first = contentMessageId(JSON.stringify(message));
      const nth = (occurrences.get(first) ?? 0) + 1;
      occurrences.set(first, nth);
      // The first keeps the plain content hash, so files imported before repeats were counted still match.
      message.messageId = nth === 1 ? first : contentMessageId(`${first}#${nth}`);
    }
    yield { line, message };
  }
}

async function* customerRows(stream: NodeJS.ReadableStream): AsyncGenerator<Row> {
  const skipped: Row[] = [];
  const parser = stream.pipe(
    parseCsv({
      columns: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
    }),
  );
  parser.on('skip', (error: Error & { lines?: number }) =>
    skipped.push({ line: error.lines ?? 0, error: error.message }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    while (skipped.length > 0) yield skipped.shift() as Row;
    yield customerRow(record, info.lines);
  }
  yield* skipped;
}

/**
 * One CSV row becomes an identify call: an id column names the user, every other column is a trait. Database
 * exports write a missing id as NULL, None or 0: such a placeholder counts as no id, so the row goes by its contact.
 */
export function customerRow(record: Record<string, string>, line: number): Row {
  const idColumn = USER_ID_COLUMNS.find((c) => !isPlaceholder(record[c]));
  const traits: Record<string, string> = {};
  for (const [column, value] of Object.entries(record)) {
    if (value !== '' && !USER_ID_COLUMNS.includes(column)) traits[column] = value;
  }
  const userId = idColumn ? record[idColumn] : undefined;
  const contact = [traits.email, traits.phone].find((value) => !isPlaceholder(value));
  if (!userId && !contact) return { line, error: `no ${USER_ID_COLUMNS.join('/')}, email or phone value` };
  return {
    line,
    message: {
      type: 'identify',
      userId,
      // Without a user id, the contact itself stands in as the anonymous id so the row is still addressable.
      anonymousId: userId ? undefined : `import:${contact}`,
      traits,
      messageId: contentMessageId(JSON.stringify([userId ?? null, traits])),
    },
  };
}

/** The same content always gets the same messageId, so importing it again stores nothing new. */
function contentMessageId(content: string): string {
  return `import-${createHash('sha1').update(content).digest('base64url')}`;
}

type Rejection = ImportSummary['rejections'][number];

/**
 * Keeps the listed rejections in line order, the first MAX_LISTED_REJECTIONS of them: they are found out of
 * order, as JSON and CSV errors show when a line is read (csv-parse reads ahead) and invalid messages only
 * when their chunk is validated.
 */
function listInLineOrder(list: Rejection[], rejection: Rejection): void {
  const later = list.findIndex((r) => r.line > rejection.line);
  list.splice(later === -1 ? list.length : later, 0, rejection);
  list.length = Math.min(list.length, MAX_LISTED_REJECTIONS);
}
