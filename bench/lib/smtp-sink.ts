import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';

/**
 * A receiving SMTP server (smtp-server) in its own process, so parsing mail does not share the
 * bench's event loop. It counts messages and distinct Message-IDs (the SMTP provider derives them
 * from the idempotency key, so a repeat shows as a duplicate id).
 */
export interface SmtpSink {
  port: number;
  stats(): Promise<{ messages: number; unique: number }>;
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`smtp sink exited with ${code}`)));
  });
  return {
    port,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as { messages: number; unique: number }));
        child.send('stats');
      }),
    stop: async () => {
      child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

function runChild(): void {
  const ids = new Set<string>();
  let messages = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 1000,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        messages += 1;
        const id = /^message-id:\s*(\S+)/im.exec(head)?.[1];
        if (id) ids.add(id);
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  process.on('message', () => process.send?.({ messages, unique: ids.size }));
}

if (process.argv.includes('--child')) runChild();
