import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { checkRoom } from './core/names.js';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])]).transform((v) =>
  typeof v === 'boolean' ? v : ['1', 'true', 'yes', 'on'].includes(v),
);

// The core's own room rules, so a default room nobody could join is refused at start, not at
// every login. The value is kept in the core's folded form ("#Dev" becomes "dev").
const roomName = z.string().transform((raw, ctx) => {
  const checked = checkRoom(raw);
  if ('room' in checked) return checked.room;
  ctx.addIssue({ code: 'custom', message: checked.error.text });
  return z.NEVER;
});

/** Every setting, its environment name and its default. Read once at start, validated. */
export const ConfigSchema = z.object({
  port: port.default(3000).describe('PORT: HTTP and Socket.IO port'),
  tcpPort: port.default(4000).describe('TCP_PORT: TCP port (text and JSON lines)'),
  host: z.string().min(1).default('0.0.0.0').describe('HOST: address to listen on'),
  dataDir: z.string().min(1).default('./data').describe('DATA_DIR: folder of the SQLite file'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('LOG_LEVEL'),
  nodeEnv: z.string().default('development').describe('NODE_ENV'),
  defaultRoom: roomName.default('general').describe('DEFAULT_ROOM: where new sessions start'),
  historyOnJoin: z.coerce.number().int().min(0).max(500).default(20).describe('HISTORY_ON_JOIN: messages shown on join'),
  maxMessageLength: z.coerce.number().int().min(1).max(100_000).default(4000).describe('MAX_MESSAGE_LENGTH: characters'),
  maxLineBytes: z.coerce.number().int().min(64).max(16 * 1024 * 1024).default(8192).describe('MAX_LINE_BYTES: TCP line limit'),
  maxOutbufBytes: z.coerce.number().int().min(1024).default(1024 * 1024).describe('MAX_OUTBUF_BYTES: per-connection send buffer'),
  idleTimeout: z.coerce.number().min(0).default(0).describe('IDLE_TIMEOUT: seconds of silence before a TCP session is closed; 0 = never'),
  presenceNoticeLimit: z.coerce.number().int().min(0).default(500).describe('PRESENCE_NOTICE_LIMIT: rooms larger than this do not announce each join and leave'),
  console: bool.default(true).describe('CONSOLE: read operator lines from standard input'),
  corsOrigin: z.string().default('').describe('CORS_ORIGIN: comma-separated allowed origins; empty = same origin only'),
  durability: z.enum(['full', 'normal']).default('full').describe('DURABILITY: full = fsync each batch; normal = WAL without fsync'),
  commitWindowMs: z.coerce.number().min(0).max(100).default(2).describe('COMMIT_WINDOW_MS: how long messages may wait to share one commit'),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = { [K in keyof Config]?: unknown };

/** Environment variable name of each setting. */
export const ENV_NAMES: Readonly<Record<keyof Config, string>> = {
  port: 'PORT',
  tcpPort: 'TCP_PORT',
  host: 'HOST',
  dataDir: 'DATA_DIR',
  logLevel: 'LOG_LEVEL',
  nodeEnv: 'NODE_ENV',
  defaultRoom: 'DEFAULT_ROOM',
  historyOnJoin: 'HISTORY_ON_JOIN',
  maxMessageLength: 'MAX_MESSAGE_LENGTH',
  maxLineBytes: 'MAX_LINE_BYTES',
  maxOutbufBytes: 'MAX_OUTBUF_BYTES',
  idleTimeout: 'IDLE_TIMEOUT',
  presenceNoticeLimit: 'PRESENCE_NOTICE_LIMIT',
  console: 'CONSOLE',
  corsOrigin: 'CORS_ORIGIN',
  durability: 'DURABILITY',
  commitWindowMs: 'COMMIT_WINDOW_MS',
};

export class ConfigError extends Error {}

/** Parses KEY=VALUE lines; # starts a comment; values may be quoted. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2] ?? '';
    const quoted = /^(['"])(.*)\1$/.exec(value);
    value = quoted ? (quoted[2] ?? '') : value.replace(/\s+#.*$/, '');
    out[match[1] ?? ''] = value;
  }
  return out;
}

/**
 * Flags win over the environment, which wins over the .env file, which wins over defaults.
 * Throws ConfigError with one readable line when a value is wrong.
 */
export function loadConfig(
  flags: ConfigInput = {},
  env: NodeJS.ProcessEnv = process.env,
  dotenvPath = '.env',
): Config {
  const fileEnv = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath, 'utf8')) : {};
  const merged = { ...fileEnv, ...definedOnly(env) };
  if (merged.MONGO_DB_URI) {
    throw new ConfigError(
      'MONGO_DB_URI is set, but Parley does not support MongoDB. History is kept in SQLite under DATA_DIR (default ./data); unset MONGO_DB_URI and set DATA_DIR instead.',
    );
  }
  const input: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV_NAMES)) {
    const flag = flags[key as keyof Config];
    const fromEnv = merged[envName];
    if (flag !== undefined) input[key] = flag;
    else if (fromEnv !== undefined && fromEnv !== '') input[key] = fromEnv;
  }
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = (issue?.path[0] ?? '') as keyof Config;
    const name = ENV_NAMES[key] ?? String(key);
    throw new ConfigError(`Invalid ${name} (${JSON.stringify(input[key])}): ${issue?.message ?? 'invalid value'}`);
  }
  return parsed.data;
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** Allowed CORS origins, parsed from the comma-separated setting. */
export function corsOrigins(config: Config): string[] {
  return config.corsOrigin.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
