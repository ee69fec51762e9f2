import { Worker } from 'node:worker_threads';

/**
 * Requests to a TypeScript module running in a worker thread, each answered by `{ id, result }` or
 * `{ id, failure }`. Started on first use; if the worker dies, its requests fail and the next one
 * starts a new worker. Idle, the worker keeps no process alive.
 */
export class WorkerClient<Request, Result> {
  private worker: Worker | undefined;
  private started: Promise<void> | undefined;
  private readonly pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(
    private readonly module: URL,
    private readonly options: {
      name: string;
      workerData?: unknown;
      /** A larger young generation for work that allocates fast and dies young (cf. --max-semi-space-size). */
      youngGenerationMb?: number;
    },
  ) {}

  call(request: Request): Promise<Result> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, request });
    });
  }

  /** Starts the worker now and resolves once its module has loaded, so the first request does not wait for that. */
  ready(): Promise<void> {
    if (!this.worker) this.start();
    return this.started as Promise<void>;
  }

  /** Asks the worker to finish (`{ close: true }`), then waits for it to exit. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref();
    worker.postMessage({ close: true });
    await exited;
    this.failAll(new Error(`the ${this.options.name} was stopped`));
  }

  private start(): Worker {
    const worker = new Worker(new URL('./typescript-worker-entry.mjs', import.meta.url), {
      workerData: { module: this.module.href, data: this.options.workerData },
      resourceLimits: { maxYoungGenerationSizeMb: this.options.youngGenerationMb },
    });
    this.started = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    // Referenced until loaded (someone may be waiting in ready()), then only while requests are open.
    this.started.then(
      () => this.pending.size === 0 && worker.unref(),
      () => {},
    );
    worker.on('message', (reply: { id: number; result?: Result; failure?: string; ready?: true }) => {
      if (reply.ready) return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.failure === undefined) waiter?.resolve(reply.result as Result);
      else waiter?.reject(new Error(`${this.options.name}: ${reply.failure}`));
    });
    const lost = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(error);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the ${this.options.name} exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** The worker side: answers each request with `handle`; `{ close: true }` runs `onClose` and ends the thread. */
export function serveWorkerRequests<Request, Result>(
  port: import('node:worker_threads').MessagePort,
  handle: (request: Request) => Result,
  onClose: () => void = () => {},
): void {
  port.postMessage({ ready: true });
  port.on('message', (message: { id: number; request: Request } | { close: true }) => {
    if ('close' in message) {
      onClose();
      port.close();
      return;
    }
    try {
      port.postMessage({ id: message.id, result: handle(message.request) });
    } catch (error) {
      port.postMessage({ id: message.id, failure: String((error as Error)?.stack ?? error) });
    }
  });
}
