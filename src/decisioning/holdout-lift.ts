/**
 * What the holdout measures: how much more often customers who may be messaged converted than the
 * held-out ones, with its uncertainty. The groups are assigned by a hash of the customer id, so
 * they differ only by chance and by the messages; the interval says how large that chance is.
 */

export interface LiftGroup {
  readonly customers: number;
  readonly converted: number;
}

export interface LiftGroupRate extends LiftGroup {
  /** converted / customers; null for an empty group. */
  readonly rate: number | null;
}

export interface HoldoutLift {
  readonly holdout: LiftGroupRate;
  readonly treatment: LiftGroupRate;
  /** treatment rate − holdout rate, with its 95 % interval (Newcombe's score interval). */
  readonly difference: { readonly value: number; readonly low: number; readonly high: number } | null;
  /** treatment rate / holdout rate − 1; null while the holdout converted none. */
  readonly relativeLift: number | null;
  /** Two-sided, of the pooled two-proportion z test: the chance of a difference this large with no lift. */
  readonly pValue: number | null;
}

const Z95 = 1.959964;

export function holdoutLift(holdout: LiftGroup, treatment: LiftGroup): HoldoutLift {
  const rateOf = (g: LiftGroup) => (g.customers > 0 ? g.converted / g.customers : null);
  const h = rateOf(holdout);
  const t = rateOf(treatment);
  const groups = { holdout: { ...holdout, rate: h }, treatment: { ...treatment, rate: t } };
  if (h === null || t === null) return { ...groups, difference: null, relativeLift: null, pValue: null };
  const [hLow, hHigh] = wilsonInterval(holdout);
  const [tLow, tHigh] = wilsonInterval(treatment);
  const value = t - h;
  return {
    ...groups,
    difference: {
      value,
      low: value - Math.sqrt((t - tLow) ** 2 + (hHigh - h) ** 2),
      high: value + Math.sqrt((tHigh - t) ** 2 + (h - hLow) ** 2),
    },
    relativeLift: h > 0 ? t / h - 1 : null,
    pValue: twoProportionP(holdout, treatment),
  };
}

/** The Wilson score interval of a proportion (95 %): sound near 0 and 1, where conversion rates live. */
export function wilsonInterval({ converted, customers }: LiftGroup, z = Z95): [number, number] {
  const p = converted / customers;
  const z2 = z * z;
  const centre = (p + z2 / (2 * customers)) / (1 + z2 / customers);
  const half = (z / (1 + z2 / customers)) * Math.sqrt((p * (1 - p)) / customers + z2 / (4 * customers * customers));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function twoProportionP(a: LiftGroup, b: LiftGroup): number {
  const pooled = (a.converted + b.converted) / (a.customers + b.customers);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.customers + 1 / b.customers));
  if (se === 0) return 1;
  const z = Math.abs(b.converted / b.customers - a.converted / a.customers) / se;
  return erfc(z / Math.SQRT2);
}

/** The complementary error function (Numerical Recipes' erfcc, relative error below 1.2e-7). */
export function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}
