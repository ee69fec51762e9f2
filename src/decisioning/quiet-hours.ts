import type { Channel, MessageClass } from '../delivery/channel-choice.ts';
import { localDateTime, nextLocalTime } from '../journeys/local-time.ts';
import type { Reason } from './decision-types.ts';
import type { QuietHours } from './policy-schema.ts';

/**
 * Quiet hours are wall-clock windows in the customer's zone, so 21:00–08:00 stays 21:00–08:00
 * across daylight-saving changes (the night is 7 or 9 hours long those days, not shifted).
 * A message inside one is held to the window's end; classes in `allow` pass.
 */

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function isInQuietWindow(at: number, window: Pick<QuietHours, 'from' | 'to'>, timeZone: string): boolean {
  const local = localDateTime(at, timeZone);
  return isQuietMinute(local.hour * 60 + local.minute, window);
}

/** Whether a local minute of the day (0–1439) falls in the window; `from` is in, `to` is out. */
export function isQuietMinute(minute: number, window: Pick<QuietHours, 'from' | 'to'>): boolean {
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  if (from === to) return false;
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

export interface QuietCheck {
  readonly at: number;
  readonly channel: Channel;
  readonly messageClass: MessageClass;
  readonly timeZone: string;
  readonly rules: readonly QuietHours[];
}

export interface QuietResult {
  /** The first moment at or after `at` outside every applicable window. */
  readonly at: number;
  readonly reasons: readonly Reason[];
}

export function applyQuietHours(check: QuietCheck): QuietResult {
  const reasons: Reason[] = [];
  let at = check.at;
  // Windows can chain (one rule ends where another starts); a few rounds reach a fixed point.
  for (let round = 0; round < 8; round += 1) {
    const rule = check.rules.find((r) => r.channels.includes(check.channel) && isInQuietWindow(at, r, check.timeZone));
    if (!rule) return { at, reasons };
    if (rule.allow.includes(check.messageClass)) {
      reasons.push({ code: 'quiet_hours_allowed', channel: check.channel, from: rule.from, to: rule.to });
      return { at, reasons };
    }
    const [hour, minute] = rule.to.split(':').map(Number);
    at = nextLocalTime({ after: at, timeZone: check.timeZone, hour: hour ?? 0, minute: minute ?? 0 });
    reasons.push({
      code: 'quiet_hours',
      channel: check.channel,
      from: rule.from,
      to: rule.to,
      timeZone: check.timeZone,
      heldUntil: at,
    });
  }
  throw new Error(`quiet hours for ${check.channel} never end`);
}

/** Whether some rule holds this channel and class at this local minute (for scoring many slots at once). */
export function quietRuleAt(
  minute: number,
  options: Pick<QuietCheck, 'channel' | 'messageClass' | 'rules'>,
): QuietHours | undefined {
  return options.rules.find(
    (r) => r.channels.includes(options.channel) && !r.allow.includes(options.messageClass) && isQuietMinute(minute, r),
  );
}
