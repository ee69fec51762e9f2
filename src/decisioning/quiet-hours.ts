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

/**
 * Held while any rule for the channel that does not allow the class covers the moment, whatever the
 * rules' order: to the latest end among those, then checked again (windows can chain). Rules that
 * cover it and all allow the class let it through, and say so. A day with no open minute (the
 * schema refuses such a policy; an older stored one may have it) holds it for ever: `at` is Infinity,
 * which the decision drops as past its deadline rather than failing the whole batch.
 */
export function applyQuietHours(check: QuietCheck): QuietResult {
  const reasons: Reason[] = [];
  let at = check.at;
  // Each round passes the end of at least one window, so a chain of every rule ends within rules + 1 rounds.
  for (let round = 0; round <= check.rules.length + 1; round += 1) {
    const covering = check.rules.filter(
      (r) => r.channels.includes(check.channel) && isInQuietWindow(at, r, check.timeZone),
    );
    const holding = covering.filter((r) => !r.allow.includes(check.messageClass));
    if (holding.length === 0) {
      const allowing = covering[0];
      if (allowing)
        reasons.push({ code: 'quiet_hours_allowed', channel: check.channel, from: allowing.from, to: allowing.to });
      return { at, reasons };
    }
    const from = at;
    const ends = holding.map((rule) => ({ rule, end: endAfter(from, rule, check.timeZone) }));
    const last = ends.reduce((a, b) => (b.end > a.end ? b : a));
    at = last.end;
    reasons.push({
      code: 'quiet_hours',
      channel: check.channel,
      from: last.rule.from,
      to: last.rule.to,
      timeZone: check.timeZone,
      heldUntil: at,
    });
  }
  return { at: Number.POSITIVE_INFINITY, reasons };
}

function endAfter(at: number, rule: QuietHours, timeZone: string): number {
  const [hour, minute] = rule.to.split(':').map(Number);
  return nextLocalTime({ after: at, timeZone, hour: hour ?? 0, minute: minute ?? 0 });
}

/** Whether the rules for a channel that hold a class leave it no minute of the day. */
export function quietAllDay(rules: readonly QuietHours[], channel: Channel, messageClass: MessageClass): boolean {
  const holding = rules.filter((r) => r.channels.includes(channel) && !r.allow.includes(messageClass));
  if (holding.length === 0) return false;
  for (let minute = 0; minute < 1440; minute += 1) {
    if (!holding.some((r) => isQuietMinute(minute, r))) return false;
  }
  return true;
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
