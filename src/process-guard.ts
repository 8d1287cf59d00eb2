import type { Logger } from 'pino';

/** What the guard listens on: the process, or a stand-in in tests. */
export interface ProcessEvents {
  on(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface ProcessGuardOptions {
  readonly events: ProcessEvents;
  /** The graceful shutdown: drain, tell every client, flush the store. */
  readonly stop: () => Promise<void>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'fatal'>;
  readonly exit: (code: number) => void;
  /** After this long a shutdown that has not finished exits anyway (code 1). */
  readonly deadlineMs: number;
  /** Arms the deadline; the default timer does not keep the process alive. */
  readonly after?: (ms: number, run: () => void) => void;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;

const unrefTimer = (ms: number, run: () => void): void => {
  setTimeout(run, ms).unref();
};

/**
 * One policy for the ways a running server ends. A signal shuts down gracefully and exits 0.
 * An uncaught exception or unhandled rejection is logged with its error and shuts down the
 * same graceful way (answers drained, clients told, store flushed), then exits 1: the process
 * is in an unknown state and must not carry on. Anything of these during a shutdown (a second
 * Ctrl-C, a crash while stopping) exits 1 at once; so does a shutdown past its deadline.
 */
export function guardProcess(options: ProcessGuardOptions): void {
  const { events, stop, logger, exit, deadlineMs } = options;
  const after = options.after ?? unrefTimer;
  let stopping = false;
  let exited = false;
  const exitOnce = (code: number): void => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  const shutDown = (code: number): void => {
    stopping = true;
    after(deadlineMs, () => {
      logger.warn({ deadlineMs }, 'shutdown did not finish in time: exiting now');
      exitOnce(EXIT_FAILED);
    });
    stop().then(
      () => exitOnce(code),
      (error: unknown) => {
        logger.fatal({ err: error }, 'shutdown failed');
        exitOnce(EXIT_FAILED);
      },
    );
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      return exitOnce(EXIT_FAILED);
    }
    logger.info({ signal }, 'shutting down');
    shutDown(EXIT_OK);
  };

  const onCrash = (kind: string) => (error: unknown): void => {
    if (stopping) {
      logger.fatal({ err: error }, `${kind} during shutdown: exiting now`);
      return exitOnce(EXIT_FAILED);
    }
    logger.fatal({ err: error }, `${kind}: shutting down`);
    shutDown(EXIT_FAILED);
  };

  events.on('SIGINT', onSignal);
  events.on('SIGTERM', onSignal);
  events.on('uncaughtException', onCrash('uncaught exception'));
  events.on('unhandledRejection', onCrash('unhandled rejection'));
}
