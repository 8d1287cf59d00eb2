import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from './logging.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { pingWithin } from './store/ping.js';
import { openClusterPorts } from './cluster/open.js';
import { tlsFiles, type Config } from './config.js';
import { Chat } from './core/chat.js';
import { disconnect } from './core/disconnect.js';
import { startOperatorConsole } from './gateways/console.js';
import { addressLimitFrom } from './gateways/address-limit.js';
import { startTcpGateway } from './gateways/tcp/index.js';
import { TlsCertificates } from './gateways/tls/certificates.js';
import { RetentionJob } from './data/retention.js';
import { openStore } from './store/open.js';
import { hasMaintenance, type Store } from './store/store.js';
import { Identity } from './core/identity.js';
import { hasAccounts } from './core/ports/accounts.js';
import { NodeCredentials } from './identity/credentials.js';
import { tokenSecret } from './identity/secret.js';
import { mkdirSync } from 'node:fs';

export const SHUTDOWN_NOTICE = 'Server is shutting down. Bye!';
// Part of the 5 s shutdown budget given to requests already running (a commit, a history read).
const DRAIN_DEADLINE_MS = 2000;
// A scrape waits at most this long for the store to answer parley_store_up.
const METRICS_PING_MS = 1000;

/** Whether `work` settled within `ms`. */
async function withDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

function logCertificate(logger: Logger, tls: TlsCertificates, message: string): void {
  const { subject, validTo } = tls.current;
  logger.info({ cert: tls.files.certPath, subject, validTo: validTo.toISOString() }, message);
  if (validTo.getTime() < Date.now()) logger.warn({ cert: tls.files.certPath, validTo: validTo.toISOString() }, 'the TLS certificate has expired: clients will refuse it');
}

export interface RunningServer {
  readonly chat: Chat;
  /** The plain TCP port; 0 when PLAIN_TCP is off. */
  readonly tcpPort: number;
  /** The TCP door's TLS port; 0 when TLS is off. */
  readonly tlsTcpPort: number;
  /** HTTP, or HTTPS when TLS is on. */
  readonly httpPort: number;
  readonly logger: Logger;
  /**
   * Reads TLS_CERT and TLS_KEY again (the SIGHUP handler): new handshakes present the new
   * certificate, open connections carry on; a file that cannot be used keeps the old one.
   * Logs the outcome; false when TLS is off or the reload failed.
   */
  reloadTls(): boolean;
  /** Tells every client, closes the doors, flushes the store. Safe to call twice. */
  stop(reason?: string): Promise<void>;
}

export interface ServerOptions {
  /** Operator console input; defaults to process.stdin when config.console is on. */
  readonly stdin?: Readable;
  readonly logger?: Logger;
  /** Serve HTTP and Socket.IO (default true); the TCP door runs on its own settings. */
  readonly web?: boolean;
  /** A store already open (tests: a MemoryStore, which keeps accounts); the server closes it on stop. Default: from config. */
  readonly store?: Store;
}

/** The one place that wires store, bus, core and doors together. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat, nodeId: config.nodeId });
  const metrics = createMetrics(config.nodeId);
  try {
    return await startWired(config, options, logger, metrics);
  } catch (error) {
    metrics.close();
    throw error;
  }
}

async function startWired(config: Config, options: ServerOptions, logger: Logger, metrics: Metrics): Promise<RunningServer> {
  // Read first: a certificate that cannot be used stops the start before anything is opened.
  const files = tlsFiles(config);
  const tls = files ? new TlsCertificates(files) : undefined;
  const store = options.store ?? (await openStore(config, logger, { onCommit: metrics.onCommit }));
  let ports;
  try {
    ports = await openClusterPorts(config, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const { bus } = ports;
  let identity: Identity | undefined;
  try {
    identity = openIdentity(config, store);
  } catch (error) {
    await store.close();
    await ports.close();
    throw error;
  }
  const chat = await Chat.create({
    identity,
    allowInsecureAuth: config.allowInsecureAuth,
    store,
    bus,
    names: ports.names,
    presence: ports.presence,
    nodeId: config.nodeId,
    // Redis pub/sub can lose a message for good (its node died after the commit): read the store
    // a second after deliveries so such a tail is not missed. One process loses nothing.
    tailCheckMs: ports.kind === 'redis' ? 1000 : 0,
    onPortError: (error) => logger.error({ err: error }, 'cluster port failed'),
    onDeliveryError: (error, door) => logger.error({ err: error, door }, 'a door failed to deliver an event; the other doors were served'),
    onGapFilled: (room, fromSeq, count) => logger.debug({ room, fromSeq, count }, 'messages missing from the bus read from the store'),
    observer: metrics.observer,
    clock: Date.now,
    newId: randomUUID,
    defaultRoom: config.defaultRoom,
    maxMessageLength: config.maxMessageLength,
    historyOnJoin: config.historyOnJoin,
    presenceNoticeLimit: config.presenceNoticeLimit,
  });

  metrics.watch({
    rooms: () => chat.listRooms().length,
    storeUp: async () => (await pingWithin(store, METRICS_PING_MS)) === null,
    busUp: () => bus.state !== 'down',
  });
  if (ports.kind === 'redis') logger.info({ nodeId: config.nodeId }, 'cluster node: bus, names and presence on Redis');
  const closers: Array<() => Promise<void>> = [];
  // One count per address across the TCP and web doors.
  const addressLimit = addressLimitFrom(config, logger);
  try {
    const tcp = await startTcpGateway({ chat, config, logger, addressLimit, tls });
    closers.push(() => tcp.close());
    // Loaded after the TCP door listens: Fastify and Socket.IO take most of the start-up time,
    // and TCP users need not wait for them.
    const web =
      options.web === false
        ? { port: 0, close: async () => {} }
        : await (await import('./gateways/http/index.js')).startWebGateway({ chat, store, identity, bus, busKind: ports.kind, config, logger, addressLimit, tls, metrics });
    closers.push(() => web.close());
    const input = options.stdin ?? (config.console ? process.stdin : undefined);
    if (input) {
      const consoleInput = startOperatorConsole(input, chat, logger);
      closers.push(async () => consoleInput.close());
    }
    const retention = startRetention(config, store, logger);
    if (retention) closers.push(() => retention.stop());
    if (tls) logCertificate(logger, tls, 'TLS on: HTTPS on PORT, the TCP door on TLS_TCP_PORT');
    else if (!config.plainTcp) logger.warn('PLAIN_TCP is off and TLS is not set up (TLS_CERT, TLS_KEY): the TCP door is closed');
    logger.info({ tcpPort: tcp.port, tlsTcpPort: tcp.tlsPort, httpPort: web.port, https: tls !== undefined, nodeId: config.nodeId, store: config.databaseUrl === '' ? 'sqlite' : 'postgresql', bus: ports.kind }, 'Parley is listening');

    let stopping: Promise<void> | null = null;
    const stop = (reason = SHUTDOWN_NOTICE): Promise<void> => {
      stopping ??= (async () => {
        // Drain: requests from now on are answered `shutting_down`; those already started
        // finish and their answers are written before anyone is told goodbye.
        const drained = await withDeadline(chat.drain(), DRAIN_DEADLINE_MS);
        if (!drained) logger.warn({ deadlineMs: DRAIN_DEADLINE_MS }, 'shutdown: some requests were still running at the drain deadline');
        await new Promise((resolve) => setImmediate(resolve));
        chat.shutdown(disconnect('shutdown', reason));
        for (const close of closers.reverse()) await close();
        // The sessions' leaves reach presence before this node lets go of the cluster.
        chat.endAll(disconnect('shutdown', reason));
        await withDeadline(chat.settle(), 1000);
        await store.flush();
        await store.close();
        chat.close();
        await ports.close();
        metrics.close();
        logger.info('Parley stopped');
      })();
      return stopping;
    };
    const reloadTls = (): boolean => {
      if (!tls) {
        logger.info('reload asked, but TLS is off (TLS_CERT and TLS_KEY unset): nothing to reload');
        return false;
      }
      const outcome = tls.reload();
      if (!outcome.ok) {
        logger.error({ reason: outcome.error.message }, 'TLS certificate reload failed: still serving the previous certificate');
        return false;
      }
      logCertificate(logger, tls, 'TLS certificate reloaded: new connections get it');
      return true;
    };
    return { chat, tcpPort: tcp.port, tlsTcpPort: tcp.tlsPort, httpPort: web.port, logger, stop, reloadTls };
  } catch (error) {
    for (const close of closers.reverse()) await close();
    await store.close();
    chat.close();
    await ports.close();
    throw error;
  }
}

/** The background deletion of old history, expired tokens and client ids (src/data/retention.ts), when the store can. */
function startRetention(config: Config, store: Store, logger: Logger): RetentionJob | null {
  if (!hasMaintenance(store)) return null;
  const job = new RetentionJob({
    store,
    days: config.historyRetentionDays,
    clock: Date.now,
    onPass: (report) => {
      if (report.messages + report.tokens + report.sends > 0) logger.info({ ...report, retentionDays: config.historyRetentionDays }, 'retention: old history, expired tokens and client ids deleted');
    },
    onError: (error) => logger.warn({ err: error }, 'retention pass failed; the next one tries again'),
  });
  job.start();
  if (config.historyRetentionDays > 0) logger.info({ retentionDays: config.historyRetentionDays }, 'history older than HISTORY_RETENTION_DAYS is deleted in the background');
  return job;
}

/** Accounts, when the store keeps them; the token secret is read (or, in development, made) here. Also `parley token`. */
export function openIdentity(config: Config, store: object): Identity | undefined {
  if (!hasAccounts(store)) return undefined;
  mkdirSync(config.dataDir, { recursive: true });
  const secret = tokenSecret({ jwtSecret: config.jwtSecret, nodeEnv: config.nodeEnv, dataDir: config.dataDir });
  const admins = config.admins.split(',').map((name) => name.trim()).filter((name) => name !== '');
  return new Identity({ accounts: store, credentials: new NodeCredentials(secret), clock: Date.now, newId: randomUUID, admins });
}
