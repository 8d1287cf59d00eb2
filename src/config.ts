import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { checkRoom } from './core/names.js';
import type { FloodBudgets } from './core/rate-limit.js';

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
  logFormat: z.enum(['auto', 'json', 'pretty']).default('auto').describe('LOG_FORMAT: auto (pretty on a terminal, else JSON), json or pretty'),
  metricsToken: z.string().default('').describe('METRICS_TOKEN: when set, GET /metrics needs "Authorization: Bearer <token>"'),
  nodeEnv: z.string().default('development').describe('NODE_ENV'),
  defaultRoom: roomName.default('general').describe('DEFAULT_ROOM: where new sessions start'),
  historyOnJoin: z.coerce.number().int().min(0).max(500).default(20).describe('HISTORY_ON_JOIN: messages shown on join'),
  maxMessageLength: z.coerce.number().int().min(1).max(100_000).default(4000).describe('MAX_MESSAGE_LENGTH: characters'),
  maxLineBytes: z.coerce.number().int().min(64).max(16 * 1024 * 1024).default(8192).describe('MAX_LINE_BYTES: TCP line limit'),
  maxOutbufBytes: z.coerce.number().int().min(1024).default(1024 * 1024).describe('MAX_OUTBUF_BYTES: per-connection send buffer'),
  idleTimeout: z.coerce.number().min(0).default(0).describe('IDLE_TIMEOUT: seconds of silence before a TCP session is closed; 0 = never'),
  namingTimeout: z.coerce.number().min(0).default(60).describe('NAMING_TIMEOUT: seconds a TCP connection may stay without a name; 0 = no limit'),
  maxConnectionsPerAddress: z.coerce
    .number()
    .int()
    .min(0)
    .default(64)
    .describe('MAX_CONNECTIONS_PER_ADDRESS: concurrent connections from one remote address; 0 = no limit'),
  connectionLimitExempt: z
    .string()
    .default('loopback')
    .describe('CONNECTION_LIMIT_EXEMPT: comma-separated addresses the per-address limit skips; "loopback" = 127.0.0.0/8 and ::1; "none" = nobody'),
  maxNewConnectionsPerMinute: z.coerce
    .number()
    .int()
    .min(0)
    .default(60)
    .describe('MAX_NEW_CONNECTIONS_PER_MINUTE: new connections one remote address may open per minute (CONNECTION_LIMIT_EXEMPT skips it too); 0 = no limit'),
  trustedProxies: z
    .string()
    .default('')
    .describe('TRUSTED_PROXIES: comma-separated addresses of reverse proxies whose X-Forwarded-For the web door believes; empty = none'),
  floodControl: bool.default(true).describe('FLOOD_CONTROL: per-connection command budgets (false = off)'),
  floodBurst: z.coerce.number().int().min(1).default(10).describe('FLOOD_BURST: commands a connection may send at once'),
  floodRate: z.coerce.number().positive().default(5).describe('FLOOD_RATE: commands per second after the burst'),
  floodExpensiveBurst: z.coerce.number().int().min(1).default(5).describe('FLOOD_EXPENSIVE_BURST: history, rooms and who at once'),
  floodExpensiveRate: z.coerce.number().positive().default(1).describe('FLOOD_EXPENSIVE_RATE: history, rooms and who per second'),
  floodSocialBurst: z.coerce.number().int().min(1).default(5).describe('FLOOD_SOCIAL_BURST: private messages, joins and nick changes at once'),
  floodSocialRate: z.coerce.number().positive().default(1).describe('FLOOD_SOCIAL_RATE: private messages, joins and nick changes per second'),
  floodHardLimit: z.coerce
    .number()
    .int()
    .min(1)
    .default(200)
    .describe('FLOOD_HARD_LIMIT: commands waiting (TCP) or refused within 10 s (Socket.IO, HTTP) past which the client is disconnected'),
  floodPrivilegedMultiplier: z.coerce.number().min(1).default(10).describe('FLOOD_PRIVILEGED_MULTIPLIER: admins and bot accounts get budgets this many times larger'),
  presenceNoticeLimit: z.coerce.number().int().min(0).default(500).describe('PRESENCE_NOTICE_LIMIT: rooms larger than this do not announce each join and leave'),
  console: bool.default(true).describe('CONSOLE: read operator lines from standard input'),
  corsOrigin: z.string().default('').describe('CORS_ORIGIN: comma-separated allowed origins; empty = same origin only'),
  allowedHosts: z
    .string()
    .default('')
    .describe('ALLOWED_HOSTS: comma-separated host names (port optional) browsers may reach the web door under, besides localhost, 127.0.0.1, ::1 and HOST; * = any'),
  jwtSecret: z.string().default('').describe('JWT_SECRET: the server secret tokens are stored under (HMAC); required with NODE_ENV=production, the same on every node; in development made once under DATA_DIR'),
  admins: z.string().default('').describe('ADMINS: comma-separated registered account names that are server admins'),
  allowInsecureAuth: bool.default(false).describe('ALLOW_INSECURE_AUTH: accept passwords over plain connections from other machines (off: TLS or this machine only)'),
  durability: z.enum(['full', 'normal']).default('full').describe('DURABILITY: full = fsync each batch; normal = WAL without fsync'),
  commitWindowMs: z.coerce.number().min(0).max(100).default(2).describe('COMMIT_WINDOW_MS: how long messages may wait to share one commit'),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional()
    .describe('REDIS_URL: Redis for the bus, names and presence of several nodes; unset = one process'),
  nodeId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1 to 64 letters, digits, ".", "_" or "-"')
    .default(() => `node-${randomBytes(4).toString('hex')}`)
    .describe('NODE_ID: this node, unique among the nodes of one chat; default generated'),
  nameTtl: z.coerce.number().min(1).max(3600).default(30).describe("NAME_TTL: seconds a dead node's names stay taken (Redis)"),
  presenceTtl: z.coerce.number().min(1).max(3600).default(30).describe("PRESENCE_TTL: seconds before a dead node's users leave (Redis)"),
  databaseUrl: z
    .string()
    .default('')
    .refine((v) => v === '' || /^postgres(ql)?:\/\/./i.test(v), 'must be a postgres:// or postgresql:// URL')
    .describe('DATABASE_URL: PostgreSQL for history (postgres://user:password@host:5432/db); empty = SQLite under DATA_DIR'),
  dbPoolSize: z.coerce.number().int().min(1).max(1000).default(10).describe('DB_POOL_SIZE: most PostgreSQL connections a node opens'),
  tlsCert: z.string().min(1).optional().describe('TLS_CERT: PEM certificate (chain) file; with TLS_KEY turns on HTTPS on PORT and TLS on TLS_TCP_PORT'),
  tlsKey: z.string().min(1).optional().describe('TLS_KEY: PEM private key file of TLS_CERT'),
  tlsTcpPort: port.default(4443).describe('TLS_TCP_PORT: TCP door over TLS (text and JSON lines), when TLS_CERT and TLS_KEY are set'),
  plainTcp: bool.default(true).describe('PLAIN_TCP: keep the unencrypted TCP port TCP_PORT; false turns it off'),
  historyRetentionDays: z.coerce
    .number()
    .min(0)
    .max(100_000)
    .default(0)
    .describe('HISTORY_RETENTION_DAYS: messages older than this many days are deleted in the background; 0 = keep all'),
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
  logFormat: 'LOG_FORMAT',
  metricsToken: 'METRICS_TOKEN',
  nodeEnv: 'NODE_ENV',
  defaultRoom: 'DEFAULT_ROOM',
  historyOnJoin: 'HISTORY_ON_JOIN',
  maxMessageLength: 'MAX_MESSAGE_LENGTH',
  maxLineBytes: 'MAX_LINE_BYTES',
  maxOutbufBytes: 'MAX_OUTBUF_BYTES',
  idleTimeout: 'IDLE_TIMEOUT',
  namingTimeout: 'NAMING_TIMEOUT',
  maxConnectionsPerAddress: 'MAX_CONNECTIONS_PER_ADDRESS',
  connectionLimitExempt: 'CONNECTION_LIMIT_EXEMPT',
  presenceNoticeLimit: 'PRESENCE_NOTICE_LIMIT',
  maxNewConnectionsPerMinute: 'MAX_NEW_CONNECTIONS_PER_MINUTE',
  trustedProxies: 'TRUSTED_PROXIES',
  floodControl: 'FLOOD_CONTROL',
  floodBurst: 'FLOOD_BURST',
  floodRate: 'FLOOD_RATE',
  floodExpensiveBurst: 'FLOOD_EXPENSIVE_BURST',
  floodExpensiveRate: 'FLOOD_EXPENSIVE_RATE',
  floodSocialBurst: 'FLOOD_SOCIAL_BURST',
  floodSocialRate: 'FLOOD_SOCIAL_RATE',
  floodHardLimit: 'FLOOD_HARD_LIMIT',
  floodPrivilegedMultiplier: 'FLOOD_PRIVILEGED_MULTIPLIER',
  console: 'CONSOLE',
  corsOrigin: 'CORS_ORIGIN',
  allowedHosts: 'ALLOWED_HOSTS',
  jwtSecret: 'JWT_SECRET',
  admins: 'ADMINS',
  allowInsecureAuth: 'ALLOW_INSECURE_AUTH',
  durability: 'DURABILITY',
  commitWindowMs: 'COMMIT_WINDOW_MS',
  redisUrl: 'REDIS_URL',
  nodeId: 'NODE_ID',
  nameTtl: 'NAME_TTL',
  presenceTtl: 'PRESENCE_TTL',
  databaseUrl: 'DATABASE_URL',
  dbPoolSize: 'DB_POOL_SIZE',
  tlsCert: 'TLS_CERT',
  tlsKey: 'TLS_KEY',
  tlsTcpPort: 'TLS_TCP_PORT',
  plainTcp: 'PLAIN_TCP',
  historyRetentionDays: 'HISTORY_RETENTION_DAYS',
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
      'MONGO_DB_URI is set, but Parley does not support MongoDB. History is kept in SQLite under DATA_DIR (default ./data), or in PostgreSQL with DATABASE_URL; unset MONGO_DB_URI and set DATA_DIR or DATABASE_URL instead.',
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
    // A URL may carry a password: the message names the setting but never shows its value.
    const shown = key === 'databaseUrl' ? '' : ` (${JSON.stringify(input[key])})`;
    throw new ConfigError(`Invalid ${name}${shown}: ${issue?.message ?? 'invalid value'}`);
  }
  const config = parsed.data;
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    const missing = config.tlsCert === undefined ? 'TLS_CERT' : 'TLS_KEY';
    throw new ConfigError(`TLS_CERT and TLS_KEY go together: ${missing} is not set. Set both to turn TLS on, or neither.`);
  }
  return config;
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** The certificate and key files when TLS is on (both TLS_CERT and TLS_KEY set), else null. */
export function tlsFiles(config: Pick<Config, 'tlsCert' | 'tlsKey'>): { readonly certPath: string; readonly keyPath: string } | null {
  return config.tlsCert !== undefined && config.tlsKey !== undefined ? { certPath: config.tlsCert, keyPath: config.tlsKey } : null;
}

/** Allowed CORS origins, parsed from the comma-separated setting. */
export function corsOrigins(config: Config): string[] {
  return config.corsOrigin.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Host names a browser may always use: the loopback ones. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;

/**
 * The Host values (name, or name:port) that browser requests to the web door may carry: the
 * loopback names, HOST when it names one address (not 0.0.0.0 or ::), and ALLOWED_HOSTS.
 * `['*']` when ALLOWED_HOSTS is `*` (no check).
 */
export function allowedHosts(config: Config): string[] {
  const listed = config.allowedHosts.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (listed.includes('*')) return ['*'];
  const bound = config.host === '0.0.0.0' || config.host === '::' ? [] : [config.host];
  return [...new Set([...LOOPBACK_HOSTS, ...bound, ...listed])];
}

/** The per-connection command budgets the settings ask for; null when FLOOD_CONTROL is off. */
export function floodBudgets(config: Config): FloodBudgets | null {
  if (!config.floodControl) return null;
  return {
    general: { burst: config.floodBurst, perSecond: config.floodRate },
    expensive: { burst: config.floodExpensiveBurst, perSecond: config.floodExpensiveRate },
    social: { burst: config.floodSocialBurst, perSecond: config.floodSocialRate },
    hardLimit: config.floodHardLimit,
    privilegedMultiplier: config.floodPrivilegedMultiplier,
  };
}
