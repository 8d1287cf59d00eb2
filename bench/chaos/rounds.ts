import { auditHistory, type AuditFigures } from './audit.js';
import { idOfText, textOf, type Ledger, type Planned } from './ledger.js';
import { sample } from './random.js';
import { readHistory } from './history.js';
import { startChaosServer, type ChaosServerOptions } from './server-process.js';
import { ChaosWriter, type PumpOutcome } from './writer.js';

export interface RoundSettings {
  readonly server: ChaosServerOptions;
  readonly clients: number;
  /** Messages each client plans per round. */
  readonly messages: number;
  readonly rooms: readonly string[];
  /** Unanswered requests one client may have at a time. */
  readonly window: number;
  /** The stop comes once this share of the round's messages is acked (chosen at random in range). */
  readonly stopAtShare: readonly [number, number];
  /** Acked messages of the round each client sends again after the restart, same id. */
  readonly retriesPerClient: number;
  /** Bound on every wait: connecting, pumping, the server's exit. */
  readonly timeoutMs: number;
  readonly random: () => number;
}

export interface RoundReport {
  readonly round: number;
  readonly kind: 'kill -9' | 'SIGTERM';
  readonly planned: number;
  readonly ackedBeforeStop: number;
  /** Requests without an answer when the server died or said goodbye. */
  readonly unansweredAtStop: number;
  readonly errorAnswers: number;
  /** Messages sent after the restart: every unacked one (never sent, or unanswered) with its id, plus acked ones as retry probes. */
  readonly resent: number;
  /** Unanswered at the stop, yet found stored after the restart (a retry must not store them again). */
  readonly storedUnanswered: number;
  /** How many of the round's messages were acked when the signal was sent. */
  readonly stopAtAcks: number;
  readonly audit: AuditFigures;
  readonly violations: string[];
  readonly ms: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the promise's value, or rejects after `ms`. */
async function bounded<T>(what: string, work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

const nameOf = (client: number): string => `chaos${client}`;

function connectAll(settings: RoundSettings): Promise<ChaosWriter[]> {
  return Promise.all(
    Array.from({ length: settings.clients }, (_, i) =>
      ChaosWriter.connect({ name: nameOf(i), rooms: settings.rooms, port: settings.server.tcpPort, timeoutMs: settings.timeoutMs }),
    ),
  );
}

function planRound(settings: RoundSettings, ledger: Ledger, round: number): Planned[][] {
  return Array.from({ length: settings.clients }, (_, i) =>
    Array.from({ length: settings.messages }, (_, k) => {
      const id = `r${round}-${nameOf(i)}-${k}`;
      const planned: Planned = { id, author: nameOf(i), room: settings.rooms[(i + k) % settings.rooms.length] ?? 'chaos', text: textOf(id) };
      ledger.plan(planned);
      return planned;
    }),
  );
}

/** Loads a fresh server, stops it with `signal` at a random moment, and reports what clients saw. */
async function loadThenStop(settings: RoundSettings, ledger: Ledger, round: number, signal: 'SIGKILL' | 'SIGTERM') {
  const server = await startChaosServer(settings.server);
  const writers = await connectAll(settings);
  const plans = planRound(settings, ledger, round);
  const ackedBefore = ledger.acked.size;
  const planned = plans.flat().length;
  const pumps = writers.map((w, i) => w.pump(plans[i] ?? [], settings.window, ledger, settings.timeoutMs, true));
  // A share of acks, not a time: the stop lands mid-load however fast or busy the machine is.
  const [low, high] = settings.stopAtShare;
  const target = Math.max(1, Math.floor(planned * (low + settings.random() * (high - low))));
  const deadline = Date.now() + settings.timeoutMs;
  while (ledger.acked.size - ackedBefore < target && Date.now() < deadline) await sleep(1);
  const stopAtAcks = ledger.acked.size - ackedBefore;
  server.signal(signal);
  const exit = await bounded(`server exit after ${signal}`, server.exited, settings.timeoutMs);
  const outcomes = await bounded('clients after the stop', Promise.all(pumps), settings.timeoutMs);
  for (const w of writers) w.close();
  return { server, exit, outcomes, stopAtAcks, ackedBeforeStop: ledger.acked.size - ackedBefore, planned };
}

/** Restarts, lets every client resend what was not acked (and some acked ones), then audits. */
async function restartResendAudit(settings: RoundSettings, ledger: Ledger, round: number, probes: number) {
  const server = await startChaosServer(settings.server);
  const violations: string[] = [];
  let resent = 0;
  try {
    // What the stop left behind, before any resend can add to it.
    const left = await readHistory(settings.server.tcpPort, settings.rooms, settings.timeoutMs);
    const storedBeforeResend = new Set([...left.values()].flat().flatMap((m) => idOfText(m.text) ?? []));
    const writers = await connectAll(settings);
    const pumps = writers.map((w, i) => {
      const name = nameOf(i);
      const retries = sample(settings.random, ledger.ackedOf(name).filter((m) => m.id.startsWith(`r${round}-`)), probes);
      const queue = [...ledger.unackedOf(name), ...retries];
      resent += queue.length;
      return w.pump(queue, settings.window, ledger, settings.timeoutMs);
    });
    const outcomes = await bounded('resending after the restart', Promise.all(pumps), settings.timeoutMs * 2);
    for (const w of writers) w.close();
    const stillUnacked = [...ledger.planned.values()].filter((m) => !ledger.acked.has(m.id));
    if (stillUnacked.length > 0) violations.push(`no ack even after the restart: ${stillUnacked.length} (e.g. ${stillUnacked.slice(0, 5).map((m) => m.id).join(', ')})`);
    const garbage = outcomes.reduce((sum, o) => sum + o.garbage, 0);
    if (garbage > 0) violations.push(`non-JSON lines after the first reply: ${garbage}`);
    const history = await readHistory(settings.server.tcpPort, settings.rooms, settings.timeoutMs);
    const audit = auditHistory(ledger, history);
    // Retry mismatches are reported in the round they happen; history faults stay visible.
    ledger.retryMismatches.splice(0);
    violations.push(...audit.violations);
    return { audit, violations, resent, storedBeforeResend };
  } finally {
    server.signal('SIGTERM');
    const code = await bounded('server exit after SIGTERM', server.exited, settings.timeoutMs);
    if (code !== 0) violations.push(`server exited ${code} on SIGTERM after the audit, expected 0`);
  }
}

const errorAnswers = (outcomes: readonly PumpOutcome[]): number =>
  outcomes.reduce((sum, o) => sum + [...o.errors.values()].reduce((a, b) => a + b, 0), 0);

/** kill -9 under load; restart; resend unacked with the same ids; audit. */
export async function killRound(settings: RoundSettings, ledger: Ledger, round: number): Promise<RoundReport> {
  const started = Date.now();
  const stopped = await loadThenStop(settings, ledger, round, 'SIGKILL');
  const violations: string[] = [];
  if (stopped.exit !== 'SIGKILL') violations.push(`server ended with ${stopped.exit} instead of being killed (did it finish early?)`);
  const after = await restartResendAudit(settings, ledger, round, settings.retriesPerClient);
  violations.push(...after.violations);
  return {
    round,
    kind: 'kill -9',
    planned: stopped.planned,
    ackedBeforeStop: stopped.ackedBeforeStop,
    unansweredAtStop: stopped.outcomes.reduce((sum, o) => sum + o.unanswered.length, 0),
    errorAnswers: errorAnswers(stopped.outcomes),
    resent: after.resent,
    storedUnanswered: stopped.outcomes.flatMap((o) => o.unanswered).filter((id) => after.storedBeforeResend.has(id)).length,
    stopAtAcks: stopped.stopAtAcks,
    audit: after.audit.figures,
    violations,
    ms: Date.now() - started,
  };
}

/**
 * SIGTERM under load: every client must get `bye` after all its answers, the process must
 * exit 0, and no request may be stored without its sender having been answered. Requests
 * the server never read (written after it stopped reading) are resent after the restart.
 */
export async function sigtermRound(settings: RoundSettings, ledger: Ledger, round: number): Promise<RoundReport> {
  const started = Date.now();
  const stopped = await loadThenStop(settings, ledger, round, 'SIGTERM');
  const violations: string[] = [];
  if (stopped.exit !== 0) violations.push(`server exited ${stopped.exit} on SIGTERM, expected 0`);
  const noBye = stopped.outcomes.filter((o) => !o.bye).length;
  if (noBye > 0) violations.push(`clients closed without bye: ${noBye}`);
  const late = stopped.outcomes.reduce((sum, o) => sum + o.answersAfterBye, 0);
  if (late > 0) violations.push(`answers after bye: ${late}`);
  const unanswered = new Set(stopped.outcomes.flatMap((o) => o.unanswered));
  const after = await restartResendAudit(settings, ledger, round, 0);
  const storedSilently = [...unanswered].filter((id) => after.storedBeforeResend.has(id));
  if (storedSilently.length > 0) violations.push(`stored but not answered before bye: ${storedSilently.length} (e.g. ${storedSilently.slice(0, 5).join(', ')})`);
  violations.push(...after.violations);
  return {
    round,
    kind: 'SIGTERM',
    planned: stopped.planned,
    ackedBeforeStop: stopped.ackedBeforeStop,
    unansweredAtStop: unanswered.size,
    errorAnswers: errorAnswers(stopped.outcomes),
    resent: after.resent,
    storedUnanswered: storedSilently.length,
    stopAtAcks: stopped.stopAtAcks,
    audit: after.audit.figures,
    violations,
    ms: Date.now() - started,
  };
}
