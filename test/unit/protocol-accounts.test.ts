import { describe, expect, it } from 'vitest';
import { encryptedOrLocal, isLoopback } from '../../src/gateways/loopback.js';
import { decodeJsonLine } from '../../src/protocol/jsonl.js';
import { withPeer } from '../../src/protocol/peer.js';
import { parseSlash } from '../../src/protocol/slash.js';

describe('account slash commands', () => {
  it('parses /register, /login, /logout and /password into core commands', () => {
    expect(parseSlash('/register hunter2 with spaces', null)).toEqual({ kind: 'command', command: { type: 'signup', password: 'hunter2 with spaces' } });
    expect(parseSlash('/login Alice  my pass phrase', null)).toEqual({ kind: 'command', command: { type: 'login', name: 'Alice', password: 'my pass phrase' } });
    expect(parseSlash('/logout', 'general')).toEqual({ kind: 'command', command: { type: 'logout' } });
    expect(parseSlash('/password old-one new-one', null)).toEqual({ kind: 'command', command: { type: 'password', old: 'old-one', new: 'new-one' } });
  });

  it('answers missing words with the usage line, never with the password', () => {
    for (const [line, usage] of [
      ['/login s3cret-pass', 'Usage: /login NAME PASSWORD'],
      ['/password s3cret-pass', 'Usage: /password OLD NEW'],
      ['/password s3cret-pass two three', 'Usage: /password OLD NEW'],
      ['/register', 'Usage: /register PASSWORD'],
      ['/logout s3cret-pass', 'Usage: /logout'],
    ] as const) {
      const parsed = parseSlash(line, null);
      expect(parsed).toEqual({ kind: 'error', code: 'usage', text: usage });
    }
  });
});

describe('JSON-lines account requests', () => {
  const command = (value: unknown) => decodeJsonLine(JSON.stringify(value), null);

  it('hello: a guest name, a password login or a token login', () => {
    expect(command({ type: 'hello', name: 'ann' })).toMatchObject({ kind: 'command', command: { type: 'register', name: 'ann' } });
    expect(command({ type: 'hello', name: 'ann', password: 'pw', room: 'x' })).toMatchObject({ kind: 'command', command: { type: 'login', name: 'ann', password: 'pw', room: 'x' } });
    expect(command({ type: 'hello', token: 'tok' })).toMatchObject({ kind: 'command', command: { type: 'resume', token: 'tok' } });
    expect(command({ type: 'hello', id: 1 })).toMatchObject({ kind: 'answer', message: { type: 'error', code: 'usage', re: 1 } });
    expect(command({ type: 'hello', name: 'ann', token: 'tok' })).toMatchObject({ kind: 'answer', message: { type: 'error', code: 'usage' } });
  });

  it('register, login, logout, password', () => {
    expect(command({ type: 'register', password: 'pw' })).toMatchObject({ kind: 'command', command: { type: 'signup', password: 'pw' } });
    expect(command({ type: 'register', name: 'ann', password: 'pw' })).toMatchObject({ kind: 'command', command: { type: 'signup', name: 'ann', password: 'pw' } });
    expect(command({ type: 'login', name: 'ann', password: 'pw' })).toMatchObject({ kind: 'command', command: { type: 'login', name: 'ann', password: 'pw' } });
    expect(command({ type: 'logout' })).toEqual({ kind: 'command', command: { type: 'logout' }, re: null });
    expect(command({ type: 'password', old: 'a', new: 'b' })).toMatchObject({ kind: 'command', command: { type: 'password', old: 'a', new: 'b' } });
    expect(command({ type: 'login', name: 'ann' })).toMatchObject({ kind: 'answer', message: { type: 'error', code: 'bad_request' } });
  });

  it('a line that is not JSON is refused without quoting it (it may hold a password)', () => {
    const decoded = decodeJsonLine('{"type":"login","name":"ann","password":Hunter2Secret}', null);
    expect(decoded).toMatchObject({ kind: 'answer', message: { type: 'error', code: 'bad_request' } });
    expect(JSON.stringify(decoded)).not.toContain('Hunter2');
  });
});

describe('peer facts', () => {
  it('adds peer and secure to the password commands and peer to a token login; the client cannot set them', () => {
    const info = { peer: '203.0.113.9', secure: false };
    expect(withPeer({ type: 'login', name: 'a', password: 'p', peer: '127.0.0.1', secure: true }, info)).toEqual({ type: 'login', name: 'a', password: 'p', peer: '203.0.113.9', secure: false });
    expect(withPeer({ type: 'signup', password: 'p' }, info)).toMatchObject({ peer: '203.0.113.9', secure: false });
    expect(withPeer({ type: 'password', old: 'a', new: 'b' }, info)).toMatchObject({ peer: '203.0.113.9', secure: false });
    expect(withPeer({ type: 'resume', token: 't' }, info)).toEqual({ type: 'resume', token: 't', peer: '203.0.113.9' });
    expect(withPeer({ type: 'say', room: 'r', text: 't' }, info)).toEqual({ type: 'say', room: 'r', text: 't' });
  });

  it('counts loopback and TLS as secure, anything else as plain', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(address)).toBe(true);
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', '128.0.0.1', 'localhost', undefined]) expect(isLoopback(address)).toBe(false);
    expect(encryptedOrLocal({ remoteAddress: '203.0.113.9', encrypted: true })).toBe(true);
    expect(encryptedOrLocal({ remoteAddress: '203.0.113.9', encrypted: false })).toBe(false);
    expect(encryptedOrLocal({ remoteAddress: '127.0.0.1', encrypted: false })).toBe(true);
  });
});
