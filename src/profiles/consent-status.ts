/** The topic a channel-wide choice is stored under. */
export const ALL_TOPICS = 'all';

/** Consent as a profile stores it: channel → topic → the latest choice. `all` covers every topic. */
export type ConsentRecord = Readonly<Record<string, Readonly<Record<string, ConsentChoice>>>>;

export interface ConsentChoice {
  readonly status: 'granted' | 'denied';
  readonly at: number;
  readonly source: string;
}

/**
 * The customer's standing choice for a channel and topic, or undefined if they never made one.
 * A topic's own entry and the channel's `all` entry both apply, and the newer one wins: "stop all
 * email" after "yes to newsletters" stops the newsletter too, and a later "yes to newsletters"
 * re-opens just that topic. On a tie denial wins, the safe reading.
 */
export function consentStatus(
  consent: ConsentRecord,
  channel: string,
  topic: string = ALL_TOPICS,
): ConsentChoice['status'] | undefined {
  const topics = consent[channel];
  if (!topics) return undefined;
  const own = Object.hasOwn(topics, topic) ? topics[topic] : undefined;
  const channelWide = topic !== ALL_TOPICS && Object.hasOwn(topics, ALL_TOPICS) ? topics[ALL_TOPICS] : undefined;
  if (!own || !channelWide) return (own ?? channelWide)?.status;
  if (own.at !== channelWide.at) return own.at > channelWide.at ? own.status : channelWide.status;
  return own.status === 'denied' || channelWide.status === 'denied' ? 'denied' : 'granted';
}
