import type { FastifyInstance, FastifyReply } from 'fastify';
import { ALL_TOPICS, type ConsentRecord } from '../../profiles/consent-status.ts';
import type { CustomerService } from '../../profiles/customer-service.ts';
import type { Store } from '../../storage/store.ts';
import { type DeliveryEventRecorder, feedbackEvent } from './delivery-feedback.ts';
import type { LinkSigner } from './link-token.ts';
import {
  isOn,
  marketingToggles,
  type PageGroup,
  pageLanguage,
  preferencesPage,
  preferenceToggles,
} from './preferences-page.ts';

export interface TrackingDeps {
  store: Store;
  customers: CustomerService;
  signer: LinkSigner;
  events: DeliveryEventRecorder;
  now: () => number;
}

// The smallest transparent GIF.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Open pixel, click redirect, RFC 8058 one-click unsubscribe and the preferences page. */
export function registerTrackingRoutes(app: FastifyInstance, deps: TrackingDeps): void {
  app.get<{ Params: { '*': string } }>('/v1/t/o/*', async (request, reply) => {
    const claim = deps.signer.verify(request.params['*'].replace(/\.gif$/, ''), 'o');
    if (claim) {
      const { w: workspaceId, c: customerId, m: idempotencyKey, ch: channel } = claim;
      await deps.events
        .record(feedbackEvent({ workspaceId, customerId, idempotencyKey, channel, kind: 'opened', at: deps.now() }))
        .catch((error: unknown) => request.log.warn({ err: error }, 'recording an open failed'));
    }
    // Always the image, so a mail client never shows a broken one.
    return reply.type('image/gif').header('cache-control', 'no-store, private').send(PIXEL);
  });

  app.get<{ Params: { '*': string } }>('/v1/t/c/*', async (request, reply) => {
    const claim = deps.signer.verify(request.params['*'], 'c');
    if (!claim) return reply.code(404).type('text/plain; charset=utf-8').send('This link is not valid.');
    const { w: workspaceId, c: customerId, m: idempotencyKey, ch: channel, u: url } = claim;
    await deps.events
      .record(feedbackEvent({ workspaceId, customerId, idempotencyKey, channel, kind: 'clicked', at: deps.now(), url }))
      .catch((error: unknown) => request.log.warn({ err: error }, 'recording a click failed'));
    return reply.code(302).header('cache-control', 'no-store, private').redirect(claim.u);
  });

  app.register(async (scope) => {
    // RFC 8058 posts a form (urlencoded or multipart); the preferences page posts urlencoded.
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']) {
      scope.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) =>
        done(null, body),
      );
    }
    scope.get<{ Params: { '*': string } }>('/v1/u/*', async (request, reply) => {
      const lang = pageLanguage(request.headers['accept-language']);
      const claim = deps.signer.verify(request.params['*'], 'u');
      const consent = await consentOf(deps, request.params['*']);
      if (!claim || !consent) return invalidLink(reply);
      const groups = await deps.store.subscriptionGroups.list(claim.w);
      return page(reply, preferencesPage({ lang, consent, groups, action: request.url }));
    });
    scope.post<{ Params: { '*': string }; Body: string | undefined }>('/v1/u/*', async (request, reply) => {
      const claim = deps.signer.verify(request.params['*'], 'u');
      const consent = claim && (await consentOf(deps, request.params['*']));
      if (!claim || !consent) return invalidLink(reply);
      const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      const lang = pageLanguage(request.headers['accept-language']);
      const groups = await deps.store.subscriptionGroups.list(claim.w);
      if (form.get('form') !== 'preferences') {
        await deps.customers.setConsent(claim.w, claim.c, {
          channel: claim.ch,
          topic: claim.t,
          status: 'denied',
          source: 'one-click unsubscribe',
        });
        // A mail client's one-click post reads only the status; a person gets the page.
        if (form.get('List-Unsubscribe') === 'One-Click')
          return reply.code(200).type('text/plain').send('unsubscribed');
        return page(
          reply,
          preferencesPage({
            lang,
            consent: (await consentOf(deps, request.params['*'])) ?? {},
            groups,
            action: request.url,
            notice: 'unsubscribed',
          }),
        );
      }
      await savePreferences(deps, { claim, consent, form, groups });
      const saved = (await consentOf(deps, request.params['*'])) ?? {};
      return page(reply, preferencesPage({ lang, consent: saved, groups, action: request.url, notice: 'saved' }));
    });
  });
}

/**
 * The page's form through consent. Channel-wide toggles come first; a toggle is written only if it does
 * not already read as wanted. "Unsubscribe from all" turns off every offer and group, nothing else.
 */
async function savePreferences(
  deps: TrackingDeps,
  options: {
    claim: { w: string; c: string };
    consent: ConsentRecord;
    form: URLSearchParams;
    groups: readonly PageGroup[];
  },
): Promise<void> {
  const { claim, form } = options;
  const toggles = preferenceToggles(options.consent, options.groups);
  const everything = form.get('unsubscribe') === 'all';
  let current = options.consent;
  for (const toggle of everything ? marketingToggles(toggles) : toggles) {
    const wanted = !everything && form.get(`${toggle.channel}:${toggle.topic}`) === 'on';
    // "Everything on this channel" off stops every topic there, whatever their boxes say.
    if (!everything && toggle.topic !== ALL_TOPICS && form.get(`${toggle.channel}:${ALL_TOPICS}`) !== 'on') continue;
    if (wanted === isOn(current, toggle)) continue;
    current = await deps.customers.setConsent(claim.w, claim.c, {
      channel: toggle.channel,
      topic: toggle.topic,
      status: wanted ? 'granted' : 'denied',
      source: everything ? 'preferences page: unsubscribe from all' : 'preferences page',
    });
  }
}

async function consentOf(deps: TrackingDeps, token: string) {
  const claim = deps.signer.verify(token, 'u');
  if (!claim) return undefined;
  return (await deps.store.getProfile(claim.w, claim.c))?.consent;
}

function page(reply: FastifyReply, html: string) {
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store, private').send(html);
}

function invalidLink(reply: FastifyReply) {
  return reply.code(404).type('text/plain; charset=utf-8').send('This link is not valid (or the customer was erased).');
}
