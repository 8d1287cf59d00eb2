import type { Command } from '../core/types.js';
import type { DisconnectCode } from '../core/disconnect.js';
import type { ErrorCode } from '../core/errors.js';
import type { Observer } from '../core/ports/observer.js';
import type { CommitReport } from '../store/commit-report.js';
import type { ParleyMetricSet } from './definitions.js';

/** Commands that carry a message: their refusals are also counted as refused messages. */
const MESSAGE_COMMANDS: ReadonlySet<string> = new Set(['say', 'action', 'msg', 'post']);
/** Codes that mean a rate limit refused the command. */
const RATE_LIMIT_CODES: ReadonlySet<ErrorCode> = new Set(['too_many_attempts']);

/** The core's Observer port, kept in Prometheus metrics; also counts open sessions by door for /api/health. */
export class MetricsObserver implements Observer {
  readonly #open = new Map<string, number>();

  constructor(private readonly m: ParleyMetricSet) {}

  sessionOpened(door: string): void {
    this.#open.set(door, (this.#open.get(door) ?? 0) + 1);
    this.m.connections.inc({ door });
    this.m.sessionsOpened.inc({ door });
  }

  sessionClosed(door: string, code: DisconnectCode): void {
    this.#open.set(door, Math.max(0, (this.#open.get(door) ?? 0) - 1));
    this.m.connections.dec({ door });
    this.m.disconnects.inc({ door, code });
  }

  messageStored(storeMs: number): void {
    this.m.messagesAccepted.inc();
    this.m.storeLatency.observe(storeMs / 1000);
  }

  commandRefused(type: Command['type'] | 'post', code: ErrorCode): void {
    this.m.commandsRefused.inc({ command: type, reason: code });
    if (MESSAGE_COMMANDS.has(type)) this.m.messagesRefused.inc({ reason: code });
    if (RATE_LIMIT_CODES.has(code)) this.m.rateLimited.inc({ command: type });
  }

  resumed(outcome: 'ok' | ErrorCode): void {
    this.m.resumes.inc({ outcome });
  }

  delivered(door: string, count: number, latencyMs?: number): void {
    this.m.deliveries.inc({ door }, count);
    if (latencyMs !== undefined) this.m.deliveryLatency.observe({ door }, latencyMs / 1000);
  }

  /** The store's commit callback (OnCommit). */
  committed(report: CommitReport): void {
    this.m.commitBatchSize.observe(report.size);
    this.m.commitDuration.observe({ result: report.ok ? 'ok' : 'failed' }, report.durationMs / 1000);
  }

  /** Open sessions by door, for the health summary. */
  connectionsByDoor(): Record<string, number> {
    return Object.fromEntries(this.#open);
  }
}
