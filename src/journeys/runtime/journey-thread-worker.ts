import { parentPort, workerData } from 'node:worker_threads';
import pino, { type Level } from 'pino';
import { PROFILE_CURSOR } from '../../profiles/profile-processor.ts';
import { systemClock } from '../../shared/clock.ts';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.ts';
import { JourneyRuntime } from './journey-runtime.ts';
import type { FromJourneyThread, ToJourneyThread } from './journey-thread.ts';

/** The thread side of JourneyThread: a JourneyRuntime on its own connection to the server's file. */
if (parentPort) {
  const port = parentPort;
  type Data = { file: string; writeLock: SharedArrayBuffer; owner: string; logLevel: Level };
  const { file, writeLock, owner, logLevel } = (workerData as { data: Data }).data;
  const post = (message: FromJourneyThread) => port.postMessage(message);
  const store = await SqliteStore.open(file, { writeLock });
  const runtime = new JourneyRuntime({
    store,
    clock: systemClock,
    logger: pino({ level: logLevel }),
    owner,
    // No requests share this thread's event loop, so nothing to give way to: pacing by its own loop
    // only mistook other work here (a CPU profiler's, say) for request load and slowed journeys.
    minShare: 1,
    profiledUpTo: () => store.readCursor(PROFILE_CURSOR),
    onCommitted: () => post({ type: 'committed' }),
  });
  port.on('message', async (message: ToJourneyThread) => {
    if (message.type === 'notify') runtime.notify();
    else if (message.type === 'journeys-changed') runtime.journeysChanged();
    else {
      await runtime.stop();
      await store.close();
      port.close();
    }
  });
  runtime.start();
}
