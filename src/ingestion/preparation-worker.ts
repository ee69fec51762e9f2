import { parentPort } from 'node:worker_threads';
import { serveWorkerRequests } from '../shared/worker-client.ts';
import { prepareBatchBody } from './batch-body.ts';

/** The worker side of WorkerBatchPreparer. */
export interface PreparationRequest {
  bytes: Uint8Array;
  contentEncoding: string | undefined;
  receivedAt: number;
}

if (parentPort) {
  serveWorkerRequests(parentPort, (r: PreparationRequest) =>
    prepareBatchBody(r.bytes, r.contentEncoding, r.receivedAt),
  );
}
