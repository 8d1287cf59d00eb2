import { describe, expect, it } from 'vitest';
import { useTcpServer } from '../helpers/tcp-fixture.js';

type Json = Record<string, unknown>;
const tcp = useTcpServer();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TCP mode by first byte', () => {
  it('greets in text at once, and a JSON client that waits 400 ms before its hello still gets JSON', async () => {
    const ann = await tcp.open();
    await ann.waitFor('Enter your name:');
    await pause(400);
    ann.json({ type: 'hello', name: 'ann', id: 'h' });
    const welcome = await ann.waitForJson<Json>((m) => m.type === 'welcome' && m.re === 'h');
    expect(welcome.name).toBe('ann');
    // The text session of the greeting is gone: only ann's JSON session is left in the core.
    expect(tcp.server.server.chat.sessionCount).toBe(1);
    const tex = await tcp.named('tex');
    tex.send('hi ann');
    await ann.waitForJson((m) => m.type === 'message' && (m.message as Json).text === 'hi ann');
  });

  it('stays in text mode when the first byte is not {, even if a later line is JSON', async () => {
    const bob = await tcp.named('bob');
    const tex = await tcp.named('tex');
    tex.send('{"type":"say","room":"general","text":"x"}');
    await bob.waitFor('tex: {"type":"say","room":"general","text":"x"}');
  });
});

describe('TCP naming timeout', () => {
  it('closes connections that do not name themselves in time, with a farewell; named ones stay', async () => {
    await tcp.restart({ namingTimeout: 0.3 });
    const named = await tcp.named('stays');
    const silent = await tcp.open();
    const json = await tcp.open();
    json.json({ type: 'ping', id: 1 });
    await json.waitForJson((m) => m.type === 'pong');
    await silent.waitFor('Disconnected: No name given in time');
    await silent.closed;
    const bye = await json.waitForJson<Json>((m) => m.type === 'bye');
    expect(bye).toMatchObject({ code: 'naming_timeout', reason: 'No name given in time' });
    await json.closed;
    named.send('/who');
    await named.waitFor('Users in #general (1): stays');
    expect(tcp.server.server.chat.sessionCount).toBe(1);
  });
});

describe('TCP clients that send no newline (the seeds\' net clients)', () => {
  it('takes an unterminated chunk as a line until the first newline', async () => {
    const bob = await tcp.named('bob');
    const seed = await tcp.open();
    await seed.waitFor('Enter your name:');
    seed.socket.write('alice');
    await seed.waitFor(/^Welcome, alice!/);
    seed.socket.write('hi');
    await bob.waitFor('alice: hi');
  });

  it('joins pieces of one line that arrive close together, and is strict once a newline was seen', async () => {
    const bob = await tcp.named('bob');
    const nc = await tcp.open();
    await nc.waitFor('Enter your name:');
    nc.socket.write('car');
    await pause(20);
    nc.socket.write('ol\n');
    await nc.waitFor(/^Welcome, carol!/);
    nc.socket.write('hel');
    await pause(600);
    nc.socket.write('lo\n');
    await bob.waitFor('carol: hello');
    expect(bob.lines).not.toContain('carol: hel');
  });
});
