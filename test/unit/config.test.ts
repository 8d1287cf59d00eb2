import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDotenv } from '../../src/config.js';

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

  it('parses .env lines', () => {
    expect(parseDotenv("# c\nexport A=1\nB='two words'\nC=x # note\nbad line\n")).toEqual({ A: '1', B: 'two words', C: 'x' });
  });
});
