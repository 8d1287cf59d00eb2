import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseInput } from '../../clients/cli/commands.js';
import { configDir, TOKEN_FILE_NAME, TokenFile } from '../../clients/cli/token-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-tokens-'));
  dirs.push(dir);
  return dir;
}

describe('configDir', () => {
  it('uses an absolute XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/conf', HOME: '/home/a' })).toBe('/x/conf/parley');
    // The XDG spec says a relative value is to be ignored.
    expect(configDir({ XDG_CONFIG_HOME: 'rel', HOME: '/home/a' })).toBe('/home/a/.config/parley');
    expect(configDir({ HOME: '/home/a' })).toBe('/home/a/.config/parley');
  });
});

describe('TokenFile', () => {
  it('saves one login per host:port, 0600 in a 0700 directory, and forgets only its own', () => {
    const dir = join(temp(), 'parley');
    const a = new TokenFile(dir, { host: '127.0.0.1', port: 4000 });
    const b = new TokenFile(dir, { host: '::1', port: 4001 });
    expect(a.load()).toBeNull();
    a.save({ name: 'alice', token: 't1' });
    b.save({ name: 'bob', token: 't2' });
    expect(a.load()).toEqual({ name: 'alice', token: 't1' });
    expect(b.load()).toEqual({ name: 'bob', token: 't2' });
    expect(statSync(a.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    a.forget();
    expect(a.load()).toBeNull();
    expect(b.load()).toEqual({ name: 'bob', token: 't2' });
    expect(Object.keys((JSON.parse(readFileSync(a.path, 'utf8')) as { servers: object }).servers)).toEqual(['[::1]:4001']);
  });

  it('narrows a file found readable by others on the next write', () => {
    const dir = temp();
    writeFileSync(join(dir, TOKEN_FILE_NAME), JSON.stringify({ version: 1, servers: {} }));
    chmodSync(join(dir, TOKEN_FILE_NAME), 0o644);
    new TokenFile(dir, { host: 'h', port: 1 }).save({ name: 'a', token: 't' });
    expect(statSync(join(dir, TOKEN_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it('treats an unreadable or foreign file as empty, and replaces it on save', () => {
    const dir = temp();
    mkdirSync(dir, { recursive: true });
    const file = new TokenFile(dir, { host: 'h', port: 1 });
    for (const text of ['not json', '[]', '{"version":2,"servers":{}}', '{"version":1,"servers":{"h:1":{"name":"a"}}}']) {
      writeFileSync(file.path, text);
      expect(file.load()).toBeNull();
    }
    file.save({ name: 'a', token: 't' });
    expect(file.load()).toEqual({ name: 'a', token: 't' });
  });
});

describe('parseInput: account commands', () => {
  it('prompts for passwords unless typed inline; a password keeps its spaces', () => {
    expect(parseInput('/logout', 'general')).toEqual({ kind: 'account', command: 'logout', secrets: [] });
    expect(parseInput('/register', 'general')).toEqual({ kind: 'account', command: 'register', secrets: [] });
    expect(parseInput('/register two words', null)).toEqual({ kind: 'account', command: 'register', secrets: ['two words'] });
    expect(parseInput('/login', null)).toEqual({ kind: 'account', command: 'login', secrets: [] });
    expect(parseInput('/login alice', null)).toEqual({ kind: 'account', command: 'login', name: 'alice', secrets: [] });
    expect(parseInput('/LOGIN alice my pass', null)).toEqual({ kind: 'account', command: 'login', name: 'alice', secrets: ['my pass'] });
    expect(parseInput('/password', 'x')).toEqual({ kind: 'account', command: 'password', secrets: [] });
    expect(parseInput('/password old new', 'x')).toEqual({ kind: 'account', command: 'password', secrets: ['old', 'new'] });
  });
});
