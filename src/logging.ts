import { hostname } from 'node:os';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  readonly level: Level | 'silent';
  /** auto: pretty when stdout is a terminal, else JSON (LOG_FORMAT). */
  readonly format: LogFormat;
  /** This node's id: on every line as `node`. */
  readonly nodeId: string;
  /** Where lines go (tests); default stdout. A given stream gets JSON unless format is 'pretty'. */
  readonly destination?: DestinationStream;
  /** Whether stdout is a terminal; default process.stdout.isTTY. */
  readonly isTerminal?: boolean;
}

/**
 * Fields never written as they are, at any level: passwords and tokens, and message text.
 * The code logs neither on purpose; this is the net under a mistake (an error object that
 * carries a command, a request body).
 */
export const REDACTED_PATHS = [
  'password',
  'newPassword',
  'token',
  'text',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.text',
  'command.text',
  'req.headers.authorization',
];

/** Whether lines should be made for people to read rather than for a log collector. */
export function wantsPretty(format: LogFormat, isTerminal: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && isTerminal);
}

/**
 * The process's logger: pino JSON lines with `node` on each (and pid, hostname), child loggers
 * add `door`, `session` and `room` where there is one; human-readable through pino-pretty
 * on a terminal or with LOG_FORMAT=pretty. Pretty output is formatted in this thread: meant
 * for people watching, not for high volume.
 */
export function createLogger(options: LoggerOptions): Logger {
  const base = { pid: process.pid, hostname: hostname(), node: options.nodeId };
  const settings = { level: options.level, base, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  const terminal = options.isTerminal ?? process.stdout.isTTY === true;
  const pretty = options.destination === undefined ? wantsPretty(options.format, terminal) : options.format === 'pretty';
  if (pretty) {
    const stream = PinoPretty({
      colorize: options.destination === undefined && terminal,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      ...(options.destination ? { destination: options.destination } : {}),
      sync: true,
    });
    return pino(settings, stream);
  }
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
