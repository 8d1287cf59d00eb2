import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { originAllowed } from './origin.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('originAllowed', () => {
  it('allows programs (no Origin), the same origin and listed origins', () => {
    expect(originAllowed(req({ host: 'chat.example:3000' }), [])).toBe(true);
    expect(originAllowed(req({ host: 'chat.example:3000', origin: 'http://chat.example:3000' }), [])).toBe(true);
    expect(originAllowed(req({ host: 'chat.example:3000', origin: 'https://app.example' }), ['https://app.example'])).toBe(true);
  });
  it('refuses other pages, other ports, and opaque origins', () => {
    expect(originAllowed(req({ host: 'chat.example:3000', origin: 'https://evil.example' }), [])).toBe(false);
    expect(originAllowed(req({ host: 'chat.example:3000', origin: 'http://chat.example:4000' }), [])).toBe(false);
    expect(originAllowed(req({ host: 'chat.example:3000', origin: 'null' }), [])).toBe(false);
    expect(originAllowed(req({ origin: 'http://chat.example' }), [])).toBe(false);
  });
});
