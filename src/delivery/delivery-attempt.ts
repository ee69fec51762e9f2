import type { Clock } from '../shared/clock.ts';
import { type ClaimedMessage, SEND_STARTED } from '../storage/delivery-store.ts';
import { type AttemptResult, NOT_TRIED } from './attempt-outcome.ts';
import type { MessageRenderer, RenderCustomer } from './message-renderer.ts';
import { type ChannelProvider, DeliveryError, type MessageContent, type OutboundMessage } from './provider.ts';
import type { ProviderRegistry, ProviderRoute } from './provider-registry.ts';
import type { StartMarks } from './start-marks.ts';

export interface AttemptDeps {
  clock: Clock;
  providers: ProviderRegistry;
  renderer: MessageRenderer;
  sendTimeoutMs: number;
  maxRateWaitMs: number;
  /** Where a send to a provider that cannot dedupe is marked as started, before it starts. */
  started?: StartMarks;
  /** Told how long each provider send took and how it ended (metrics). */
  observe?: (provider: string, seconds: number, result: 'sent' | 'transient' | 'permanent') => void;
}

/**
 * One try at one claimed message: route, guard (a crash mid-send, the circuit breaker, the rate
 * limit), render, send. Never throws: every way it can end is an AttemptResult.
 */
export async function attemptDelivery(
  deps: AttemptDeps,
  message: ClaimedMessage,
  customer: RenderCustomer,
): Promise<AttemptResult> {
  const route = deps.providers.forChannel(message.channel);
  if (!route) return permanent(null, `no provider is configured for channel ${message.channel ?? '(none)'}`);
  const { provider } = route;
  const sender = `${provider.name} (${message.channel ?? message.kind})`;
  // The claim expired after its send started: the message may have gone out. Only a provider that
  // dedupes by our key may be asked again. A claim whose send never started is simply sent.
  if (message.recovered && !provider.idempotent && message.lastError === SEND_STARTED) {
    return possiblySent(provider, `the worker stopped while ${sender} was sending it, before any answer`);
  }
  const rendered = await render(deps.renderer, message, customer);
  if ('error' in rendered) return permanent(provider.name, rendered.error);
  // The guards run once a slot is free, so a circuit that opened while this message queued stops it.
  return route.limit.run(async (): Promise<AttemptResult> => {
    const turn = await waitForTurn(deps, route);
    if (turn !== undefined) return { type: 'deferred', ...turn };
    const outbound: OutboundMessage = {
      idempotencyKey: message.idempotencyKey,
      workspaceId: message.workspaceId,
      customerId: message.customerId,
      address: addressOf(message, rendered.content),
      messageClass: (message.payload.messageClass as OutboundMessage['messageClass']) ?? 'transactional',
      content: rendered.content,
    };
    if (!provider.idempotent && deps.started) {
      try {
        await deps.started.mark(message, route.limit.limit);
      } catch (error) {
        return {
          type: 'failed',
          provider: provider.name,
          kind: 'transient',
          error: `${error}`,
          content: rendered.content,
        };
      }
    }
    const started = performance.now();
    const took = () => (performance.now() - started) / 1000;
    try {
      const receipt = await withTimeout(provider.send(outbound), { ms: deps.sendTimeoutMs, sender });
      route.breaker.success();
      deps.observe?.(provider.name, took(), 'sent');
      return { type: 'sent', provider: provider.name, receipt, content: rendered.content };
    } catch (error) {
      const failure = asDeliveryError(error);
      deps.observe?.(provider.name, took(), failure.kind);
      // Sending again could deliver it twice: like a send cut off by a crash, it waits for a person.
      if (failure.options.maybeSent && !provider.idempotent) {
        route.breaker.failure(deps.clock.now());
        const ours = failure.options.code === TIMEOUT;
        return possiblySent(provider, ours ? failure.message : `${sender} broke off mid-send: ${failure.message}`);
      }
      // A permanent refusal is an answer: the provider is up.
      if (failure.kind === 'transient') route.breaker.failure(deps.clock.now());
      else route.breaker.success();
      return {
        type: 'failed',
        provider: provider.name,
        kind: failure.kind,
        error: failure.message,
        code: failure.options.code,
        retryAfterMs: failure.options.retryAfterMs,
        content: rendered.content,
      };
    }
  });
}

/**
 * Undefined when the message may go now (after waiting briefly for a token); else when to try again
 * and why not now (`not tried: …`, its last error while it waits).
 */
async function waitForTurn(
  deps: AttemptDeps,
  route: ProviderRoute,
): Promise<{ at: number; reason: string } | undefined> {
  const { provider, bucket, breaker } = route;
  const now = deps.clock.now();
  const wait = bucket?.reserve(now) ?? 0;
  if (bucket && wait > deps.maxRateWaitMs) {
    bucket.cancel();
    const at = now + wait;
    const reason = `${provider.name}'s rate limit (${bucket.ratePerSecond} a second) is used up until ${iso(at)}`;
    return { at, reason: `${NOT_TRIED}${reason}` };
  }
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const at = deps.clock.now();
  const answer = breaker.allow(at);
  if (answer.allowed) return undefined;
  const reason =
    breaker.state(at) === 'half_open'
      ? `${provider.name}'s circuit is half-open and its probe has no answer yet; tries again at ${iso(answer.retryAt)}`
      : `${provider.name}'s circuit is open until ${iso(answer.retryAt)}`;
  return { at: answer.retryAt, reason: `${NOT_TRIED}${reason}` };
}

const iso = (ms: number) => new Date(ms).toISOString();

async function render(renderer: MessageRenderer, message: ClaimedMessage, customer: RenderCustomer) {
  if (message.kind === 'webhook') return { content: webhookContent(message) };
  try {
    return await renderer.render(message, customer);
  } catch (error) {
    return { error: `rendering failed: ${(error as Error).message}` };
  }
}

function webhookContent(message: ClaimedMessage): MessageContent {
  const { url, method, body } = message.payload as { url: string; method?: string; body?: unknown };
  return { channel: 'webhook', url, method: (method ?? 'POST') as 'POST' | 'PUT' | 'PATCH', body: body ?? null };
}

function addressOf(message: ClaimedMessage, content: MessageContent): string {
  if (content.channel === 'webhook') return content.url;
  return typeof message.payload.address === 'string' ? message.payload.address : '';
}

function permanent(provider: string | null, error: string): AttemptResult {
  return { type: 'failed', provider, kind: 'permanent', error, content: null };
}

/** Says what happened and why a person, not Godwit, decides whether to send it again. */
function possiblySent(provider: ChannelProvider, what: string): AttemptResult {
  const why = `it may have been sent and ${provider.name} cannot dedupe, so it is not retried`;
  return { type: 'possibly_sent', provider: provider.name, reason: `${what}; ${why}` };
}

/** Anything a provider throws that is not a DeliveryError counts as transient. */
function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  return new DeliveryError('transient', (error as Error)?.message ?? String(error));
}

const TIMEOUT = 'timeout';

function withTimeout<T>(work: Promise<T>, options: { ms: number; sender: string }): Promise<T> {
  const { ms, sender } = options;
  const within = ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const message = `no answer from ${sender} within ${within}`;
      reject(new DeliveryError('transient', message, { code: TIMEOUT, maybeSent: true }));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
