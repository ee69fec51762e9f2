// Worker threads do not inherit tsx hooks registered through its API (as bin/godwit.mjs does), so a
// worker registers them itself before loading the TypeScript module named in its workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
