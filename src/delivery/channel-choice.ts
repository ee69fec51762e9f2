import { ALL_TOPICS, consentStatus } from '../profiles/consent-status.ts';
import type { IdentityRecord, ProfileRecord } from '../storage/store.ts';
import type { SuppressionAddress, SuppressionRecord } from '../storage/suppression-store.ts';
import { suppressionAddress } from './suppression/suppression-address.ts';

/**
 * Which channel a message goes out on, and to what address. Until the decision engine ranks
 * channels by engagement, "best" means the customer's preferred channel if they can be reached
 * there, else the first reachable channel they consented to, else the first reachable one.
 */

export const CHANNELS = ['email', 'sms', 'whatsapp', 'voice', 'push', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];
export type MessageClass = 'transactional' | 'service' | 'marketing';

export interface ChannelRequest {
  readonly requested: Channel | 'best';
  readonly messageClass: MessageClass;
  /** The subscription group (consent topic) the message belongs to: marketing needs a yes to it. */
  readonly topic?: string;
  readonly profile: Pick<ProfileRecord, 'id' | 'traits' | 'consent'>;
  readonly identities: readonly IdentityRecord[];
  /** The customer's addresses on the suppression list (see `suppressionCandidates`): unreachable. */
  readonly suppressions?: readonly Pick<SuppressionRecord, 'channel' | 'address' | 'reason'>[];
}

export type ChannelChoice =
  | { readonly ok: true; readonly channel: Channel; readonly address: string; readonly reason: string }
  | { readonly ok: false; readonly reason: string };

/** The order "best" tries channels in when the customer states no preference. */
const DEFAULT_ORDER: readonly Channel[] = ['email', 'sms', 'whatsapp', 'push', 'in_app', 'voice'];

export function chooseChannel(request: ChannelRequest): ChannelChoice {
  if (request.requested !== 'best') {
    const blocked = whyNot(request, request.requested);
    if (blocked) return { ok: false, reason: blocked };
    return {
      ok: true,
      channel: request.requested,
      address: addressOf(request, request.requested) ?? '',
      reason: 'fixed channel',
    };
  }
  const preferred = request.profile.traits.preferred_channel;
  const candidates = [...DEFAULT_ORDER].sort((a, b) => rank(request, b, preferred) - rank(request, a, preferred));
  const reasons: string[] = [];
  for (const channel of candidates) {
    const blocked = whyNot(request, channel);
    if (blocked) {
      reasons.push(blocked);
      continue;
    }
    const reason =
      channel === preferred
        ? 'preferred channel'
        : consentOf(request, channel) === 'granted'
          ? 'consented channel'
          : 'first reachable channel';
    return { ok: true, channel, address: addressOf(request, channel) ?? '', reason };
  }
  return { ok: false, reason: `no channel can reach the customer: ${reasons.join('; ')}` };
}

/** Preferred first, then explicitly consented, then the default order (a stable sort keeps it). */
function rank(request: ChannelRequest, channel: Channel, preferred: unknown): number {
  if (channel === preferred) return 2;
  return consentOf(request, channel) === 'granted' ? 1 : 0;
}

function whyNot(request: ChannelRequest, channel: Channel): string | undefined {
  const address = addressOf(request, channel);
  if (address === undefined) return `no ${ADDRESS_NAMES[channel]} for ${channel}`;
  const listed = suppressionOf(request, channel, address);
  if (listed) return `${channel} address ${listed.address} is suppressed (${listed.reason})`;
  if (consentOf(request, channel) === 'denied') return `${channel} consent denied for ${request.messageClass}`;
  const { topic } = request;
  if (topic !== undefined) {
    const choice = consentStatus(request.profile.consent, channel, topic);
    if (choice === 'denied') return `${channel} consent denied for ${topic}`;
    if (request.messageClass === 'marketing' && choice !== 'granted') return `no ${channel} consent for ${topic}`;
  }
  return undefined;
}

/** The choice for the message's class (a topic); transactional messages heed only the channel-wide one. */
function consentOf(request: ChannelRequest, channel: Channel): 'granted' | 'denied' | undefined {
  const topic = request.messageClass === 'transactional' ? ALL_TOPICS : request.messageClass;
  return consentStatus(request.profile.consent, channel, topic);
}

function suppressionOf(request: ChannelRequest, channel: Channel, address: string) {
  if (!request.suppressions?.length) return undefined;
  const key = suppressionAddress(channel, address) ?? address;
  return request.suppressions.find((s) => s.channel === channel && s.address === key);
}

/** The addresses a choice for this customer could use, as the suppression list keys them: what to look up. */
export function suppressionCandidates(
  request: Pick<ChannelRequest, 'profile' | 'identities'>,
  defaultCountry?: string,
): SuppressionAddress[] {
  const out: SuppressionAddress[] = [];
  for (const channel of CHANNELS) {
    if (channel === 'in_app') continue;
    const address = addressOf(request, channel);
    const key = address === undefined ? undefined : suppressionAddress(channel, address, defaultCountry);
    if (key) out.push({ channel, address: key });
  }
  return out;
}

const ADDRESS_NAMES: Record<Channel, string> = {
  email: 'email address',
  sms: 'phone number',
  whatsapp: 'phone number',
  voice: 'phone number',
  push: 'push subscription',
  in_app: 'customer id',
};

function addressOf(request: Pick<ChannelRequest, 'profile' | 'identities'>, channel: Channel): string | undefined {
  const { traits } = request.profile;
  switch (channel) {
    case 'email':
      return identityOf(request.identities, 'email') ?? textOf(traits.email);
    case 'sms':
    case 'whatsapp':
    case 'voice':
      return identityOf(request.identities, 'phone') ?? textOf(traits.phone);
    case 'push':
      return textOf(traits.push_subscription);
    case 'in_app':
      return request.profile.id;
  }
}

// A loop, not a closure per call: this runs for every channel of every send.
function identityOf(identities: readonly IdentityRecord[], kind: IdentityRecord['kind']): string | undefined {
  for (const identity of identities) if (identity.kind === kind) return identity.value;
  return undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
