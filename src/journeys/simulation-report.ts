import type { JourneyCommand, SendMessageCommand } from './journey-commands.ts';
import type { JourneyDefinition, NodeType } from './journey-schema.ts';

/** A node the run passed through, when, and which way it left. */
export interface PathStep {
  readonly nodeId: string;
  readonly type: NodeType;
  readonly at: number;
  readonly branch?: string;
}

export interface SimulatedWait {
  readonly nodeId: string;
  readonly from: number;
  /** When the timer was due. */
  readonly until: number;
  /** What ended it: its timer, an event (awaited, goal or exit), or the horizon. */
  readonly endedBy: 'timer' | 'event' | 'horizon';
  readonly endedAt: number;
}

export interface SimulatedMessage {
  readonly at: number;
  readonly nodeId: string;
  readonly template: string;
  readonly channel: SendMessageCommand['channel'];
  readonly priority: SendMessageCommand['priority'];
  readonly idempotencyKey: string;
  /** What the decision engine would do with it, when the simulation was given a `decide`. */
  readonly decision?: SimulatedDecision;
}

/** A decision as the simulator reports it: the outcome, channel and time, in words, with its reasons. */
export interface SimulatedDecision {
  readonly outcome: 'send' | 'delay' | 'suppress';
  readonly channel: string | null;
  readonly at: number | null;
  readonly summary: string;
  readonly reasons: readonly unknown[];
}

/** Decides a simulated send at virtual time `at` (sends decided before it in the run count). */
export type SimulatedDecide = (command: SendMessageCommand, at: number) => SimulatedDecision;

export interface TimedCommand {
  readonly at: number;
  readonly command: JourneyCommand;
}

/** Turns the commands a simulated run produced into the path, the waits and the messages. */
export class SimulationReport {
  readonly timeline: TimedCommand[] = [];
  readonly path: PathStep[] = [];
  readonly waits: SimulatedWait[] = [];
  readonly messages: SimulatedMessage[] = [];
  private readonly open = new Map<string, { nodeId: string; from: number; until: number }>();

  constructor(
    private readonly definition: JourneyDefinition,
    private readonly decide?: SimulatedDecide,
  ) {}

  add(at: number, commands: readonly JourneyCommand[], cause: 'timer' | 'event'): void {
    for (const command of commands) {
      this.timeline.push({ at, command });
      this.note(at, command, cause);
    }
  }

  /** Timers of the current wait; the simulator fires the earliest. */
  pendingTimers(): { timerId: string; dueAt: number }[] {
    return [...this.open].map(([timerId, wait]) => ({ timerId, dueAt: wait.until }));
  }

  closeAt(at: number): void {
    for (const [timerId] of this.open) this.close(timerId, at, 'horizon');
  }

  close(timerId: string, at: number, endedBy: SimulatedWait['endedBy']): void {
    const wait = this.open.get(timerId);
    if (!wait) return;
    this.open.delete(timerId);
    this.waits.push({ ...wait, endedBy, endedAt: at });
  }

  private note(at: number, command: JourneyCommand, cause: 'timer' | 'event'): void {
    if (command.type === 'schedule_timer') {
      this.open.set(command.timerId, { nodeId: command.nodeId, from: at, until: command.dueAt });
    } else if (command.type === 'cancel_timer') {
      this.close(command.timerId, at, cause);
    } else if (command.type === 'send_message') {
      const { template, channel, priority, idempotencyKey } = command;
      const decision = this.decide?.(command, at);
      this.messages.push({
        at,
        nodeId: command.run.nodeId,
        template,
        channel,
        priority,
        idempotencyKey,
        ...(decision ? { decision } : {}),
      });
    } else if (command.type === 'record' && command.kind === 'entered' && command.nodeId !== null) {
      const type = this.definition.nodes[command.nodeId]?.type ?? 'exit';
      this.path.push({ nodeId: command.nodeId, type, at });
    } else if (command.type === 'record' && command.kind === 'completed' && command.branch !== undefined) {
      const last = this.path.at(-1);
      if (last?.nodeId === command.nodeId) this.path[this.path.length - 1] = { ...last, branch: command.branch };
    }
  }
}
