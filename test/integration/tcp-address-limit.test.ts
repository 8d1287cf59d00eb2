import { describe, expect, it } from 'vitest';
import { LineClient } from '../helpers/tcp-client.js';
import { useTcpServer } from '../helpers/tcp-fixture.js';

const tcp = useTcpServer({ maxConnectionsPerAddress: 3, connectionLimitExempt: 'none' });

describe('TCP per-address connection limit', () => {
  it('refuses the connection over the cap with a line; the others keep chatting; a freed slot is reused', async () => {
    const a = await tcp.named('a');
    const b = await tcp.named('b');
    const c = await tcp.named('c');
    const fourth = await tcp.open();
    await fourth.waitFor('Disconnected: Too many connections from your address (at most 3).');
    await fourth.closed;
    expect(fourth.lines).not.toContain('Enter your name:');
    a.send('still here');
    await b.waitFor('a: still here');
    await c.waitFor('a: still here');
    c.close();
    await a.waitFor('c has left the chat.');
    const again = await tcp.named('d');
    again.send('in');
    await b.waitFor('d: in');
  });

  it('exempts loopback by default', async () => {
    await tcp.restart({ maxConnectionsPerAddress: 1, connectionLimitExempt: 'loopback' });
    const clients: LineClient[] = [];
    for (let i = 0; i < 3; i++) clients.push(await tcp.named(`u${i}`));
    clients[0]?.send('/who');
    await clients[0]?.waitFor('Users in #general (3): u0, u1, u2');
  });
});
