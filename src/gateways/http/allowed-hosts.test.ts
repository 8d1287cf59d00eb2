import { describe, expect, it } from 'vitest';
import { fromBrowser, HostCheck, parseHost } from './allowed-hosts.js';

describe('parseHost', () => {
  it('reads names, ports, bracketed and bare IPv6; refuses the rest', () => {
    expect(parseHost('Chat.Example.:8080')).toEqual({ name: 'chat.example', port: '8080' });
    expect(parseHost('localhost')).toEqual({ name: 'localhost', port: null });
    expect(parseHost('[::1]:3000')).toEqual({ name: '::1', port: '3000' });
    expect(parseHost('::1')).toEqual({ name: '::1', port: null });
    for (const bad of ['', 'a b', 'user@host', 'host:port', 'host:123456', 'a/b', '[nothex]']) expect(parseHost(bad), bad).toBeNull();
  });
});

describe('HostCheck', () => {
  const check = new HostCheck(['localhost', '127.0.0.1', '::1', 'chat.example', 'tls.example:8443']);

  it('allows listed names on any port, or on the listed port only', () => {
    expect(check.hostAllowed('localhost:3000')).toBe(true);
    expect(check.hostAllowed('[::1]:3000')).toBe(true);
    expect(check.hostAllowed('CHAT.example')).toBe(true);
    expect(check.hostAllowed('tls.example:8443')).toBe(true);
    expect(check.hostAllowed('tls.example:3000')).toBe(false);
    expect(check.hostAllowed('tls.example')).toBe(false);
    expect(check.hostAllowed('evil.example:3000')).toBe(false);
    expect(check.hostAllowed('chat.example.evil.example')).toBe(false);
    expect(check.hostAllowed(undefined)).toBe(false);
    expect(check.hostAllowed('garbage host')).toBe(false);
  });

  it('checks only browser requests', () => {
    expect(fromBrowser({ host: 'x' })).toBe(false);
    expect(fromBrowser({ origin: 'null' })).toBe(true);
    expect(fromBrowser({ 'sec-fetch-site': 'same-origin' })).toBe(true);
    expect(check.allows({ host: 'evil.example' })).toBe(true);
    expect(check.allows({ host: 'evil.example', origin: 'http://evil.example' })).toBe(false);
    expect(check.allows({ origin: 'http://evil.example' })).toBe(false);
  });

  it('allows anything with *', () => {
    expect(new HostCheck(['*']).allows({ host: 'evil.example', origin: 'http://evil.example' })).toBe(true);
  });
});
