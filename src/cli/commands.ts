import { writeFileSync } from 'node:fs';
import { createGodwit, type Godwit } from '../app/godwit.ts';
import type { Role } from '../cluster/cluster-config.ts';
import { type ImportKind, importFile } from '../ingestion/file-import.ts';
import { PROFILE_CURSOR } from '../profiles/profile-processor.ts';
import { loadConfig } from '../shared/config.ts';
import { GodwitError } from '../shared/errors.ts';
import { sqliteFile } from '../storage/open-store.ts';
import { checkReadableFile } from './input-files.ts';
import { listenOrExplain } from './listen-problems.ts';
import { bytesProgressBar, progressBar } from './progress.ts';

export type Flags = Record<string, string | boolean | undefined>;
const say = (line = '') => process.stderr.write(`${line}\n`);

export async function withGodwit<T>(run: (godwit: Godwit) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const godwit = await createGodwit({ ...config, LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  try {
    return await run(godwit);
  } finally {
    await godwit.close();
  }
}

/** The workspace `--workspace` names, checked so that a typo never writes orphaned rows; else the first one. */
export async function workspaceOf(godwit: Godwit, flags: Flags): Promise<string> {
  const id = flags.workspace;
  if (typeof id !== 'string') return godwit.workspaces.defaultWorkspaceId();
  const known = await godwit.store.listWorkspaces();
  if (!known.some((workspace) => workspace.id === id)) {
    throw new GodwitError('not_found', `no workspace ${id}: \`godwit workspaces list\` shows them`);
  }
  return id;
}

/** `godwit start`: the API and every role in one process; `godwit api` is this with no roles. */
export async function start(options: { roles?: readonly Role[] } = {}): Promise<void> {
  const config = loadConfig();
  const godwit = await createGodwit(config);
  // Listen first: credentials created by a start that then cannot listen would never be shown.
  const url = await listenOrExplain(godwit, options);
  const first = await godwit.workspaces.ensureFirstWorkspace();
  const where = config.DATABASE_URL ? 'PostgreSQL' : `embedded store ${sqliteFile(config.GODWIT_DATA_DIR)}`;
  const what = options.roles?.length === 0 ? 'The Godwit API' : 'Godwit';
  console.log(`\n${what} is running on the ${where}`);
  console.log(`  API:      ${url}/v1`);
  console.log(`  Console:  ${url}/`);
  if (first) {
    console.log('\nFirst start: created the workspace "Default". These secrets are shown once; keep them:');
    console.log(`  Admin sign-in:  ${first.adminEmail} / ${first.adminPassword}`);
    console.log(`  Write key:      ${first.writeKey}   (Segment SDKs, HTTP Basic user)`);
    console.log(`  Secret key:     ${first.secretKey}   (admin API, Authorization: Bearer)`);
    console.log('  More keys: npm run godwit -- keys create --type write|secret');
  }
  console.log('\nPress Ctrl+C to stop.');
  stopOnSignal(godwit);
}

/** Graceful shutdown on SIGINT/SIGTERM: finish work in hand, give back leases and partitions. A second signal exits at once. */
export function stopOnSignal(godwit: Godwit): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    godwit.logger.info({ signal }, 'shutting down');
    await godwit.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

export async function exportCustomer(id: string, flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    const workspaceId = await workspaceOf(godwit, flags);
    const customerId = await godwit.customers.resolveId(workspaceId, id, flags.by as string | undefined);
    const data = await godwit.customers.export(workspaceId, customerId);
    const json = JSON.stringify({ ...data, events: data.events.map((e) => JSON.parse(e.payload)) }, null, 2);
    if (typeof flags.out === 'string') {
      writeFileSync(flags.out, json);
      say(`wrote ${flags.out}`);
    } else console.log(json);
  });
}

export async function deleteCustomer(id: string, flags: Flags): Promise<void> {
  await withGodwit(async (godwit) => {
    const workspaceId = await workspaceOf(godwit, flags);
    const customerId = await godwit.customers.resolveId(workspaceId, id, flags.by as string | undefined);
    await godwit.customers.erase(workspaceId, customerId);
    say(`deleted customer ${customerId} and all their data`);
  });
}

export async function importCommand(file: string, flags: Flags): Promise<void> {
  const kind = (flags.type as ImportKind | undefined) ?? (file.endsWith('.csv') ? 'customers' : 'events');
  if (kind !== 'customers' && kind !== 'events') {
    throw new GodwitError('invalid_input', '--type must be customers or events');
  }
  checkReadableFile(file);
  await withGodwit(async (godwit) => {
    const workspaceId = await workspaceOf(godwit, flags);
    const reading = bytesProgressBar(`Importing ${kind}`);
    const summary = await importFile({
      store: godwit.store,
      ingestion: godwit.ingestion,
      workspaceId,
      file,
      kind,
      onProgress: (p) => reading.update(p.bytes, p.totalBytes),
    });
    reading.stop();
    await buildProfiles(godwit, summary.lastSeq);
    say(
      `\n${summary.rows.toLocaleString('en')} rows: ${summary.imported.toLocaleString('en')} imported, ` +
        `${summary.duplicates.toLocaleString('en')} already present, ${summary.rejected.toLocaleString('en')} rejected`,
    );
    for (const r of summary.rejections) say(`  line ${r.line}: ${r.reason}`);
    if (summary.rejected > summary.rejections.length)
      say(`  … and ${summary.rejected - summary.rejections.length} more`);
    if (summary.rejected > 0) process.exitCode = 2;
  });
}

/** Folds the imported events into profiles here, or waits while a running server does it. */
async function buildProfiles(godwit: Godwit, untilSeq: number): Promise<void> {
  const startAt = await godwit.store.readCursor(PROFILE_CURSOR);
  if (startAt >= untilSeq) return; // a running server has folded them already
  const bar = progressBar('Building profiles', 'events');
  for (;;) {
    await godwit.processor.processAvailable();
    const position = await godwit.store.readCursor(PROFILE_CURSOR);
    // Folding does not stop at untilSeq: it goes on into traffic that came after the import, and into the
    // segment and journey events the import caused. Only the import's share is progress.
    bar.update(Math.min(position, untilSeq) - startAt, untilSeq - startAt);
    if (position >= untilSeq) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  bar.stop();
}
