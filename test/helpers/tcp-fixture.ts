import { afterEach, beforeEach } from 'vitest';
import type { Config } from '../../src/config.js';
import { startTestServer, type TestServer } from './server.js';
import { LineClient } from './tcp-client.js';

/**
 * A fresh TCP-only server per test, and clients that are closed after it. Call at the top of
 * a test file; read `fixture.server` inside tests.
 */
export function useTcpServer(overrides: Partial<Config> = {}) {
  const clients: LineClient[] = [];
  const fixture = {
    server: null as unknown as TestServer,
    /** Replaces the server with one started with other settings. */
    restart: async (changes: Partial<Config>): Promise<void> => {
      await fixture.server.dispose();
      fixture.server = await startTestServer({ ...overrides, ...changes }, { web: false });
    },
    open: async (): Promise<LineClient> => track(await LineClient.open(fixture.server.tcpPort)),
    /** A text-mode client past the name prompt. */
    named: async (name: string): Promise<LineClient> => track(await LineClient.named(fixture.server.tcpPort, name)),
    /** A JSON-lines client past its hello. */
    hello: async (name: string): Promise<LineClient> => {
      const client = await fixture.open();
      client.json({ type: 'hello', name, id: 'hello' });
      await client.waitForJson((m) => m.type === 'welcome' && m.re === 'hello');
      return client;
    },
  };
  const track = (client: LineClient): LineClient => {
    clients.push(client);
    return client;
  };
  beforeEach(async () => {
    fixture.server = await startTestServer(overrides, { web: false });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await fixture.server.dispose();
  });
  return fixture;
}
