import type { Locale } from '../i18n/i18n.tsx';

/**
 * The holdout report's numbers as an admin reads them, and what they mean. Only the interval decides
 * the verdict: a difference whose interval reaches 0 may be chance.
 */

export type LiftVerdict = 'raised' | 'lowered' | 'unclear';

export function liftVerdict(difference: { readonly low: number; readonly high: number }): LiftVerdict {
  if (difference.low > 0) return 'raised';
  if (difference.high < 0) return 'lowered';
  return 'unclear';
}

/** Smaller p values show as "< 0.001": the normal approximation behind them is no finer than that. */
const SMALLEST_P = 0.001;

export interface LiftFormats {
  /** A group's conversion rate (a share, 0–1). */
  rate(share: number): string;
  /** The holdout's size, as the policy's percent (0–100). */
  holdoutPercent(percent: number): string;
  /** A difference of two rates, in signed percentage points. */
  points(share: number): string;
  /** The relative lift, as a signed percentage. */
  relative(share: number): string;
  p(value: number): string;
}

export function liftFormats(locale: Locale): LiftFormats {
  const twoDecimals = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
  const rate = new Intl.NumberFormat(locale, { style: 'percent', ...twoDecimals });
  const holdout = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  const points = new Intl.NumberFormat(locale, { ...twoDecimals, signDisplay: 'exceptZero' });
  const relative = new Intl.NumberFormat(locale, { style: 'percent', ...twoDecimals, signDisplay: 'exceptZero' });
  const p = new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  return {
    rate: (share) => rate.format(share),
    holdoutPercent: (percent) => holdout.format(percent / 100),
    points: (share) => points.format(share * 100),
    relative: (share) => relative.format(share),
    p: (value) => (value < SMALLEST_P ? `< ${p.format(SMALLEST_P)}` : p.format(value)),
  };
}
