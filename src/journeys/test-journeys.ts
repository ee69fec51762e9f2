import type { JourneyCommand } from './journey-commands.ts';
import { formatJourneyIssues, type JourneyDefinition, parseJourney } from './journey-schema.ts';
import { type StepResult, step } from './journey-step.ts';
import type { CustomerSnapshot, Properties, RunState, TriggerSnapshot } from './run-state.ts';
import { seededRandom } from './seeded-random.ts';

/** Test helpers: a validated journey from a few fields, and a run driven by a fake clock. */

/** Monday 6 January 2025, 09:00 UTC. */
export const T0 = Date.UTC(2025, 0, 6, 9, 0);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export function defineJourney(fields: Record<string, unknown>): JourneyDefinition {
  const result = parseJourney({ id: 'test', name: 'Test', trigger: { event: 'Go' }, start: 'first', ...fields });
  if (!result.ok) throw new Error(formatJourneyIssues(result.issues));
  return result.journey;
}

export interface TestRunOptions {
  readonly now?: number;
  readonly runId?: string;
  readonly customer?: Partial<CustomerSnapshot>;
  readonly trigger?: Partial<TriggerSnapshot>;
  readonly random?: () => number;
}

/** Drives one run the way a runtime would, with time as a plain number the test moves. */
export class TestRun {
  now: number;
  state: RunState | null = null;
  /** Every command of every step, in order. */
  readonly commands: JourneyCommand[] = [];
  last: StepResult | null = null;
  private readonly random: () => number;

  constructor(
    readonly definition: JourneyDefinition,
    private readonly options: TestRunOptions = {},
  ) {
    this.now = options.now ?? T0;
    this.random = options.random ?? seededRandom(1);
  }

  start(): StepResult {
    const { runId = 'run1', customer = {}, trigger = {} } = this.options;
    return this.apply({
      type: 'start',
      runId,
      customer: { id: 'c1', traits: {}, timezone: 'UTC', ...customer },
      trigger: { event: 'Go', properties: {}, timestamp: this.now, ...trigger },
    });
  }

  /** Moves the clock to the current wait's due time and fires its timer. */
  fireTimer(): StepResult {
    const waiting = this.state?.waiting;
    if (!waiting) throw new Error('the run is not waiting');
    this.now = waiting.dueAt;
    return this.apply({ type: 'timer_fired', timerId: waiting.timerId });
  }

  /** For asserting that nothing is left to fire: the commands of firing the pending timer, or none. */
  fireTimerIfAny(): readonly JourneyCommand[] {
    return this.state?.waiting ? this.fireTimer().commands : [];
  }

  event(name: string, properties: Properties = {}, after = MINUTE): StepResult {
    this.now += after;
    return this.apply({ type: 'event', event: { event: name, properties, timestamp: this.now } });
  }

  apply(input: Parameters<typeof step>[0]['input']): StepResult {
    this.last = step({ definition: this.definition, state: this.state, input, now: this.now, random: this.random });
    this.state = this.last.state;
    this.commands.push(...this.last.commands);
    return this.last;
  }

  ofType<T extends JourneyCommand['type']>(type: T): Extract<JourneyCommand, { type: T }>[] {
    return this.commands.filter((c): c is Extract<JourneyCommand, { type: T }> => c.type === type);
  }

  /** "entered:send_1", "completed:split[b]" … — the run's records, compact enough to compare. */
  records(): string[] {
    return this.ofType('record').map((r) => `${r.kind}:${r.nodeId}${r.branch ? `[${r.branch}]` : ''}`);
  }
}
