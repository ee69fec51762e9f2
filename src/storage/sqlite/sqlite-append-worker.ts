import { parentPort, workerData } from 'node:worker_threads';
import { serveWorkerRequests } from '../../shared/worker-client.ts';
import type { NewEvent } from '../store.ts';
import { SqliteEventInserter } from './sqlite-event-inserter.ts';

/** The worker side of SqliteAppendWorker: its own connection to the same file, appending events. */
if (parentPort) {
  const { file, writeLock } = (workerData as { data: { file: string; writeLock: SharedArrayBuffer } }).data;
  const inserter = SqliteEventInserter.open(file, writeLock);
  serveWorkerRequests(
    parentPort,
    (events: NewEvent[]) => inserter.insertAll(events),
    () => inserter.close(),
  );
}
