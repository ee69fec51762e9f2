import { WorkerClient } from '../../shared/worker-client.ts';
import type { NewEvent } from '../store.ts';

/**
 * Event appends on a worker thread with its own connection to the file. better-sqlite3 is
 * synchronous, so in the server's thread each group commit (inserts, fsync, checkpoints) froze
 * HTTP and the next requests' work; here it overlaps them. The store holds its connection lock
 * around each call, so the two connections never write at once and never wait on SQLite's busy lock.
 */
export class SqliteAppendWorker {
  private readonly worker: WorkerClient<NewEvent[], number>;

  constructor(file: string, writeLock: SharedArrayBuffer) {
    this.worker = new WorkerClient(new URL('./sqlite-append-worker.ts', import.meta.url), {
      name: 'SQLite append worker',
      workerData: { file, writeLock },
    });
  }

  ready(): Promise<void> {
    return this.worker.ready();
  }

  append(events: readonly NewEvent[]): Promise<number> {
    return this.worker.call(events as NewEvent[]);
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
