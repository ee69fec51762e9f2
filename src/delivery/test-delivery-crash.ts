import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort, type ServerProcess, startServerProcess } from '../app/test-processes.ts';
import { seededRandom } from '../journeys/seeded-random.ts';
import { messageHash } from './providers/smtp/smtp-provider.ts';
import { startTestSmtpServer } from './providers/testing/test-smtp-server.ts';
import { startTestTwilioServer } from './providers/testing/test-twilio-server.ts';

/**
 * The delivery crash drill: a real `godwit start` process sends one email (real SMTP server, no
 * idempotency) and one SMS (Twilio-shaped server deduping by I-Twilio-Idempotency-Token) per customer,
 * and is SIGKILLed at seeded random moments while sends are in flight, then restarted on the same data
 * directory. Afterwards the outcome is counted from the database file and from what the two servers
 * received, not assumed.
 */

export interface DeliveryCrashCounts {
  messages: number;
  emails: number;
  emailsSent: number;
  emailsPossiblySent: number;
  /** Possibly-sent emails that did reach the SMTP server (the rest did not). */
  possiblySentArrived: number;
  /** Emails marked sent that the SMTP server never received. */
  emailsSentNotReceived: number;
  /** Message-IDs the SMTP server received more than once. */
  emailDuplicates: number;
  /** Emails the SMTP server received in all. */
  smtpReceived: number;
  sms: number;
  smsSent: number;
  /** SMS outbox rows with no message at the Twilio-shaped server. */
  smsMissing: number;
  /** Recipients who got more than one SMS. */
  smsDuplicates: number;
  /** Sends made again after a crash under the same token, deduped by the server. */
  smsRepeatsDeduped: number;
  /** Rows left in any other status, by status. */
  otherStatuses: Record<string, number>;
}

export interface DeliveryCrashReport {
  kills: { atMs: number; uptimeMs: number; inFlightSends: number }[];
  counts: DeliveryCrashCounts;
  problems: string[];
  wallMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const SID = `AC${'1'.repeat(32)}`;

export async function runDeliveryCrash(options: {
  customers: number;
  kills: number;
  seed: number;
  log?: (line: string) => void;
}): Promise<DeliveryCrashReport> {
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const latency = () => 20 + random() * 60;
  const smtp = await startTestSmtpServer({ delayMs: latency });
  const twilio = await startTestTwilioServer({ accountSid: SID, authToken: 'drill-token', delayMs: latency });
  const dataDir = mkdtempSync(join(tmpdir(), 'godwit-delivery-crash-'));
  const env = {
    GODWIT_SMTP_URL: smtp.url,
    GODWIT_SMTP_FROM: 'Drill <drill@acme.test>',
    GODWIT_TWILIO_ACCOUNT_SID: SID,
    GODWIT_TWILIO_AUTH_TOKEN: 'drill-token',
    GODWIT_TWILIO_FROM: '+14155550100',
    GODWIT_TWILIO_BASE_URL: twilio.url,
    GODWIT_TWILIO_IDEMPOTENT: 'true',
    GODWIT_CHANNEL_PROVIDERS: 'email=smtp,sms=twilio',
    // Few sends in flight and a short lease, so kills land mid-send and claims come back within seconds.
    GODWIT_PROVIDER_LIMITS: 'smtp=4,twilio=4',
    GODWIT_DELIVERY_LEASE_MS: '3000',
  };
  const port = await freePort();
  const start = () => startServerProcess({ dataDir }, { port, env, timeoutMs: 60_000 });
  const started = performance.now();
  const sends = () => smtp.received.length + twilio.messages.length + twilio.repeats();
  let server: ServerProcess | undefined;
  try {
    server = await start();
    const keys = server.firstStart;
    if (!keys) throw new Error(`the first start printed no keys:\n${server.stdout()}`);
    await setUp(server.url, keys, options.customers);
    const kills: DeliveryCrashReport['kills'] = [];
    for (let k = 0; k < options.kills; k++) {
      const upSince = performance.now();
      const atRestart = sends();
      const wanted = 1 + Math.floor(random() * 40);
      while (sends() < atRestart + wanted && performance.now() - upSince < 5_000) await sleep(5);
      await sleep(random() * 60);
      const inFlightSends = sends() - atRestart;
      server.child.kill('SIGKILL');
      await server.exited;
      kills.push({
        atMs: Math.round(performance.now() - started),
        uptimeMs: Math.round(performance.now() - upSince),
        inFlightSends,
      });
      log(`  kill ${k + 1}: after ${inFlightSends} sends since the restart`);
      server = await start();
    }
    await settle(server.url, keys.secretKey, options.customers * 2);
    await server.stop();
    const counts = countOutcome(join(dataDir, 'godwit.db'), smtp, twilio);
    return {
      kills,
      counts,
      problems: problemsOf(counts, options.customers, kills.length, options.kills),
      wallMs: Math.round(performance.now() - started),
    };
  } finally {
    await server?.stop('SIGKILL');
    await smtp.close();
    await twilio.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A template with email and SMS, a live journey sending both, and every customer signed up (all acknowledged). */
async function setUp(url: string, keys: { writeKey: string; secretKey: string }, customers: number): Promise<void> {
  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.secretKey}` },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  await admin('/v1/templates', {
    id: 'drill',
    name: 'Drill',
    channels: { email: { subject: 'Hello', html: '<p>Hello</p>' }, sms: { text: 'Hello' } },
  });
  await admin('/v1/journeys', {
    id: 'drill',
    name: 'Delivery crash drill',
    status: 'live',
    category: 'transactional',
    trigger: { event: 'Signed Up' },
    start: 'mail',
    nodes: {
      mail: { type: 'send', template: 'drill', channel: 'email', next: 'text' },
      text: { type: 'send', template: 'drill', channel: 'sms', next: 'done' },
      done: { type: 'exit' },
    },
  });
  const batch = Array.from({ length: customers }, (_, i) => [
    {
      type: 'identify',
      userId: `c${i}`,
      traits: { email: `c${i}@example.com`, phone: `+8613800${100_000 + i}`, first_name: `C${i}` },
    },
    { type: 'track', userId: `c${i}`, event: 'Signed Up', messageId: `signed-up-${i}` },
  ]).flat();
  const response = await fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${keys.writeKey}:`)}` },
    body: JSON.stringify({ batch }),
  });
  if (response.status !== 200) throw new Error(`POST /v1/batch: ${response.status} ${await response.text()}`);
}

/** Until every message the journey owes exists and none is pending or in flight (claims expire after the lease). */
async function settle(url: string, secretKey: string, expected: number): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const response = await fetch(`${url}/v1/messages/stats`, { headers: { authorization: `Bearer ${secretKey}` } });
    const { statuses } = (await response.json()) as { statuses: Record<string, number> };
    const total = Object.values(statuses).reduce((a, b) => a + b, 0);
    if (total >= expected && !statuses.pending && !statuses.sending) return;
    if (Date.now() > deadline) throw new Error(`delivery did not settle: ${JSON.stringify(statuses)}`);
    await sleep(100);
  }
}

function countOutcome(
  file: string,
  smtp: Awaited<ReturnType<typeof startTestSmtpServer>>,
  twilio: Awaited<ReturnType<typeof startTestTwilioServer>>,
): DeliveryCrashCounts {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const rows = db.prepare('select workspace_id, idempotency_key, channel, status, last_error from outbox').all() as {
    workspace_id: string;
    idempotency_key: string;
    channel: string;
    status: string;
    last_error: string | null;
  }[];
  db.close();
  const received = new Map<string, number>();
  for (const mail of smtp.received) received.set(mail.messageId ?? '', (received.get(mail.messageId ?? '') ?? 0) + 1);
  const emails = rows.filter((r) => r.channel === 'email');
  const sms = rows.filter((r) => r.channel === 'sms');
  const arrivals = (r: (typeof rows)[number]) =>
    received.get(`<${messageHash({ workspaceId: r.workspace_id, idempotencyKey: r.idempotency_key })}@acme.test>`) ?? 0;
  const tokens = new Set(twilio.messages.map((m) => m.token));
  const perRecipient = new Map<string, number>();
  for (const m of twilio.messages) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
  const otherStatuses: Record<string, number> = {};
  for (const r of rows) {
    const expected = r.channel === 'email' ? ['sent', 'possibly_sent'] : ['sent'];
    const key = `${r.channel}:${r.status}${r.last_error ? ` (${r.last_error.slice(0, 120)})` : ''}`;
    if (!expected.includes(r.status)) otherStatuses[key] = (otherStatuses[key] ?? 0) + 1;
  }
  return {
    messages: rows.length,
    emails: emails.length,
    emailsSent: emails.filter((r) => r.status === 'sent').length,
    emailsPossiblySent: emails.filter((r) => r.status === 'possibly_sent').length,
    possiblySentArrived: emails.filter((r) => r.status === 'possibly_sent' && arrivals(r) > 0).length,
    emailsSentNotReceived: emails.filter((r) => r.status === 'sent' && arrivals(r) === 0).length,
    emailDuplicates: [...received.values()].filter((n) => n > 1).length,
    smtpReceived: smtp.received.length,
    sms: sms.length,
    smsSent: sms.filter((r) => r.status === 'sent').length,
    smsMissing: sms.filter((r) => !tokens.has(r.idempotency_key)).length,
    smsDuplicates: [...perRecipient.values()].filter((n) => n > 1).length,
    smsRepeatsDeduped: twilio.repeats(),
    otherStatuses,
  };
}

function problemsOf(c: DeliveryCrashCounts, customers: number, kills: number, wantedKills: number): string[] {
  const problems: string[] = [];
  if (kills < wantedKills) problems.push(`only ${kills} of ${wantedKills} kills happened`);
  if (c.emails !== customers || c.sms !== customers)
    problems.push(`expected ${customers} emails and SMS, found ${c.emails} and ${c.sms}`);
  if (Object.keys(c.otherStatuses).length > 0)
    problems.push(`messages in unexpected statuses: ${JSON.stringify(c.otherStatuses)}`);
  if (c.emailDuplicates > 0) problems.push(`${c.emailDuplicates} emails reached the SMTP server twice`);
  if (c.emailsSentNotReceived > 0) problems.push(`${c.emailsSentNotReceived} emails marked sent never arrived`);
  if (c.smsMissing > 0) problems.push(`${c.smsMissing} SMS never reached the Twilio-shaped server`);
  if (c.smsDuplicates > 0) problems.push(`${c.smsDuplicates} recipients got an SMS twice`);
  return problems;
}
