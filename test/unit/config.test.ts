import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allowedHosts, ConfigError, floodBudgets, loadConfig, parseDotenv, tlsFiles } from '../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dotenv = (text: string): string => {
  const path = join(dir, `${Math.random()}.env`);
  writeFileSync(path, text);
  return path;
};

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({}, {}, join(dir, 'absent.env'))).toMatchObject({
      port: 3000,
      tcpPort: 4000,
      host: '0.0.0.0',
      dataDir: './data',
      defaultRoom: 'general',
      historyOnJoin: 20,
      maxLineBytes: 8192,
      maxMessageLength: 4000,
      console: true,
    });
  });

  it('takes flags over the environment over .env over defaults', () => {
    const file = dotenv('PORT=1111\nTCP_PORT=2222\nHOST=10.0.0.1 # comment\nDATA_DIR="/tmp/from file"\n');
    const config = loadConfig({ port: '3333' }, { TCP_PORT: '4444' }, file);
    expect(config).toMatchObject({ port: 3333, tcpPort: 4444, host: '10.0.0.1', dataDir: '/tmp/from file' });
  });

  it('names the setting that is wrong', () => {
    expect(() => loadConfig({}, { PORT: '70000' }, join(dir, 'none'))).toThrow(/Invalid PORT \("70000"\)/);
    expect(() => loadConfig({}, { LOG_LEVEL: 'loud' }, join(dir, 'none'))).toThrow(ConfigError);
    expect(() => loadConfig({}, { CONSOLE: 'maybe' }, join(dir, 'none'))).toThrow(/CONSOLE/);
  });

  it('reads LOG_FORMAT and METRICS_TOKEN (metrics open and format chosen by the terminal by default)', () => {
    const none = join(dir, 'none');
    expect(loadConfig({}, {}, none)).toMatchObject({ logFormat: 'auto', metricsToken: '' });
    expect(loadConfig({}, { LOG_FORMAT: 'pretty', METRICS_TOKEN: 's3cret' }, none)).toMatchObject({ logFormat: 'pretty', metricsToken: 's3cret' });
    expect(() => loadConfig({}, { LOG_FORMAT: 'xml' }, none)).toThrow(/LOG_FORMAT/);
  });

  it('refuses a DEFAULT_ROOM nobody could join, with the room rules', () => {
    for (const room of ['bad room', '#', 'a'.repeat(33), 'x\u202ey']) {
      expect(() => loadConfig({}, { DEFAULT_ROOM: room }, join(dir, 'none'))).toThrow(ConfigError);
    }
    expect(() => loadConfig({ defaultRoom: 'two words' }, {}, join(dir, 'none'))).toThrow(/^Invalid DEFAULT_ROOM \("two words"\): A room name has 1 to 32/);
  });

  it('keeps DEFAULT_ROOM in the form the core uses', () => {
    expect(loadConfig({}, { DEFAULT_ROOM: '#Lobby' }, join(dir, 'none')).defaultRoom).toBe('lobby');
  });

  it('refuses MONGO_DB_URI with what to use instead', () => {
    expect(() => loadConfig({}, { MONGO_DB_URI: 'mongodb://x' }, join(dir, 'none'))).toThrow(/does not support MongoDB.*DATA_DIR/);
  });

  it('has the connection bounds: per-address cap, exemptions, naming timeout', () => {
    expect(loadConfig({}, {}, join(dir, 'none'))).toMatchObject({ maxConnectionsPerAddress: 64, connectionLimitExempt: 'loopback', namingTimeout: 60 });
    const set = loadConfig({}, { MAX_CONNECTIONS_PER_ADDRESS: '0', CONNECTION_LIMIT_EXEMPT: 'none', NAMING_TIMEOUT: '2.5' }, join(dir, 'none'));
    expect(set).toMatchObject({ maxConnectionsPerAddress: 0, connectionLimitExempt: 'none', namingTimeout: 2.5 });
    expect(() => loadConfig({}, { MAX_CONNECTIONS_PER_ADDRESS: '-1' }, join(dir, 'none'))).toThrow(/MAX_CONNECTIONS_PER_ADDRESS/);
    expect(() => loadConfig({}, { NAMING_TIMEOUT: 'soon' }, join(dir, 'none'))).toThrow(/NAMING_TIMEOUT/);
  });

  it('has flood control on by default, with budgets, a new-connection rate and trusted proxies', () => {
    const defaults = loadConfig({}, {}, join(dir, 'none'));
    expect(defaults).toMatchObject({ floodControl: true, floodBurst: 10, floodRate: 5, floodHardLimit: 200, floodPrivilegedMultiplier: 10, maxNewConnectionsPerMinute: 60, trustedProxies: '' });
    expect(floodBudgets(defaults)).toMatchObject({ general: { burst: 10, perSecond: 5 }, expensive: { burst: 5, perSecond: 1 }, social: { burst: 5, perSecond: 1 } });
    const set = loadConfig({}, { FLOOD_CONTROL: 'false', FLOOD_RATE: '0.5', MAX_NEW_CONNECTIONS_PER_MINUTE: '0', TRUSTED_PROXIES: '10.0.0.1,10.0.0.2' }, join(dir, 'none'));
    expect(set).toMatchObject({ floodControl: false, floodRate: 0.5, maxNewConnectionsPerMinute: 0, trustedProxies: '10.0.0.1,10.0.0.2' });
    expect(floodBudgets(set)).toBeNull();
    expect(() => loadConfig({}, { FLOOD_RATE: '0' }, join(dir, 'none'))).toThrow(/FLOOD_RATE/);
    expect(() => loadConfig({}, { FLOOD_PRIVILEGED_MULTIPLIER: '0.5' }, join(dir, 'none'))).toThrow(/FLOOD_PRIVILEGED_MULTIPLIER/);
  });

  it('reads the cluster settings: Redis URL, node id and TTLs in seconds', () => {
    const config = loadConfig({}, { REDIS_URL: 'redis://127.0.0.1:6390', NODE_ID: 'n-1', NAME_TTL: '10', PRESENCE_TTL: '2.5' }, join(dir, 'none'));
    expect(config).toMatchObject({ redisUrl: 'redis://127.0.0.1:6390', nodeId: 'n-1', nameTtl: 10, presenceTtl: 2.5 });
  });

  it('runs as one process without REDIS_URL, with a generated node id and 30 s TTLs', () => {
    const first = loadConfig({}, {}, join(dir, 'none'));
    const second = loadConfig({}, {}, join(dir, 'none'));
    expect(first.redisUrl).toBeUndefined();
    expect(first).toMatchObject({ nameTtl: 30, presenceTtl: 30 });
    expect(first.nodeId).toMatch(/^node-[0-9a-f]{8}$/);
    expect(second.nodeId).not.toBe(first.nodeId);
  });

  it('names a wrong cluster setting', () => {
    expect(() => loadConfig({}, { REDIS_URL: 'localhost:6379' }, join(dir, 'none'))).toThrow(/Invalid REDIS_URL/);
    expect(() => loadConfig({}, { NODE_ID: 'has space' }, join(dir, 'none'))).toThrow(/Invalid NODE_ID/);
    expect(() => loadConfig({}, { NAME_TTL: '0' }, join(dir, 'none'))).toThrow(/Invalid NAME_TTL/);
    expect(() => loadConfig({}, { PRESENCE_TTL: 'soon' }, join(dir, 'none'))).toThrow(/Invalid PRESENCE_TTL/);
  });

  it('reads DATABASE_URL and DB_POOL_SIZE, and never echoes a bad URL (it may hold a password)', () => {
    const none = join(dir, 'none');
    expect(loadConfig({}, {}, none)).toMatchObject({ databaseUrl: '', dbPoolSize: 10 });
    expect(loadConfig({}, { DATABASE_URL: 'postgresql://ann:pw@db:5432/parley', DB_POOL_SIZE: '4' }, none)).toMatchObject({
      databaseUrl: 'postgresql://ann:pw@db:5432/parley',
      dbPoolSize: 4,
    });
    expect(loadConfig({}, { DATABASE_URL: 'postgres://db/parley' }, none).databaseUrl).toBe('postgres://db/parley');
    expect(() => loadConfig({}, { DATABASE_URL: 'mysql://ann:hunter2@db/parley' }, none)).toThrow(/^Invalid DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL$/);
    expect(() => loadConfig({}, { DB_POOL_SIZE: '0' }, none)).toThrow(/Invalid DB_POOL_SIZE/);
  });

  it('has TLS off by default, with the TLS TCP port and the plain port ready for it', () => {
    const config = loadConfig({}, {}, join(dir, 'none'));
    expect(config).toMatchObject({ tlsTcpPort: 4443, plainTcp: true });
    expect(config.tlsCert).toBeUndefined();
    expect(config.tlsKey).toBeUndefined();
    expect(tlsFiles(config)).toBeNull();
  });

  it('reads TLS_CERT, TLS_KEY, TLS_TCP_PORT and PLAIN_TCP (flags too)', () => {
    const config = loadConfig({}, { TLS_CERT: '/etc/parley/cert.pem', TLS_KEY: '/etc/parley/key.pem', TLS_TCP_PORT: '6697', PLAIN_TCP: 'false' }, join(dir, 'none'));
    expect(config).toMatchObject({ tlsCert: '/etc/parley/cert.pem', tlsKey: '/etc/parley/key.pem', tlsTcpPort: 6697, plainTcp: false });
    expect(tlsFiles(config)).toEqual({ certPath: '/etc/parley/cert.pem', keyPath: '/etc/parley/key.pem' });
    expect(loadConfig({ plainTcp: false, tlsCert: 'c.pem', tlsKey: 'k.pem' }, {}, join(dir, 'none'))).toMatchObject({ plainTcp: false, tlsCert: 'c.pem' });
  });

  it('wants TLS_CERT and TLS_KEY together, and a valid TLS_TCP_PORT and PLAIN_TCP', () => {
    const none = join(dir, 'none');
    expect(() => loadConfig({}, { TLS_CERT: 'cert.pem' }, none)).toThrow('TLS_CERT and TLS_KEY go together: TLS_KEY is not set. Set both to turn TLS on, or neither.');
    expect(() => loadConfig({}, { TLS_KEY: 'key.pem' }, none)).toThrow(/TLS_CERT is not set/);
    expect(() => loadConfig({}, { TLS_TCP_PORT: '99999' }, none)).toThrow(/Invalid TLS_TCP_PORT/);
    expect(() => loadConfig({}, { PLAIN_TCP: 'sometimes' }, none)).toThrow(/Invalid PLAIN_TCP/);
  });

  it('parses .env lines', () => {
    expect(parseDotenv("# c\nexport A=1\nB='two words'\nC=x # note\nbad line\n")).toEqual({ A: '1', B: 'two words', C: 'x' });
  });

  it('reads ALLOWED_HOSTS: loopback names always, HOST when it names one address, the list, or * for any', () => {
    const none = join(dir, 'none');
    expect(allowedHosts(loadConfig({}, {}, none))).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(allowedHosts(loadConfig({}, { ALLOWED_HOSTS: ' chat.example , other.example:8443,', HOST: '10.0.0.5' }, none))).toEqual([
      'localhost',
      '127.0.0.1',
      '::1',
      '10.0.0.5',
      'chat.example',
      'other.example:8443',
    ]);
    expect(allowedHosts(loadConfig({}, { ALLOWED_HOSTS: 'a.example,*' }, none))).toEqual(['*']);
  });

  it('reads HISTORY_RETENTION_DAYS: off (0) by default, days (fractions too), never negative', () => {
    const none = join(dir, 'none');
    expect(loadConfig({}, {}, none).historyRetentionDays).toBe(0);
    expect(loadConfig({}, { HISTORY_RETENTION_DAYS: '90' }, none).historyRetentionDays).toBe(90);
    expect(loadConfig({}, { HISTORY_RETENTION_DAYS: '0.5' }, none).historyRetentionDays).toBe(0.5);
    expect(() => loadConfig({}, { HISTORY_RETENTION_DAYS: '-1' }, none)).toThrow(/^Invalid HISTORY_RETENTION_DAYS \("-1"\)/);
    expect(() => loadConfig({}, { HISTORY_RETENTION_DAYS: 'forever' }, none)).toThrow(ConfigError);
  });
});
