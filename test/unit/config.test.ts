import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allowedHosts, ConfigError, loadConfig, parseDotenv } from '../../src/config.js';

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

  it('refuses MONGO_DB_URI with what to use instead', () => {
    expect(() => loadConfig({}, { MONGO_DB_URI: 'mongodb://x' }, join(dir, 'none'))).toThrow(/does not support MongoDB.*DATA_DIR/);
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
});
