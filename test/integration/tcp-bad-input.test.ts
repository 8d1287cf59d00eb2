import { describe, expect, it } from 'vitest';
import { useTcpServer } from '../helpers/tcp-fixture.js';

const tcp = useTcpServer();
const named = tcp.named;

describe('TCP bad input', () => {
  it('discards a 1 MiB line with an error and keeps the connection', async () => {
    const alice = await named('alice');
    const bob = await named('bob');
    alice.socket.write(Buffer.alloc(1024 * 1024, 'a'));
    alice.socket.write('\nstill here\n');
    await alice.waitFor('Error: Line too long (over 8192 bytes); it was discarded.');
    await bob.waitFor('alice: still here');
    expect(bob.lines.some((l) => l.includes('aaaaaaaa'))).toBe(false);
  });

  it('handles lines split across packets, merged packets, CRLF and telnet negotiation', async () => {
    const alice = await named('alice');
    const bob = await named('bob');
    alice.socket.write(Buffer.from([0xff, 0xfb, 0x01, 0xff, 0xfa, 0x18, 0x00, 0x41, 0xff, 0xf0]));
    alice.socket.write('spl');
    await new Promise((r) => setTimeout(r, 20));
    alice.socket.write('it\r\none\ntwo\r\n');
    await bob.waitFor('alice: split');
    await bob.waitFor('alice: one');
    await bob.waitFor('alice: two');
  });

  it('replaces invalid UTF-8 and strips control and ANSI sequences', async () => {
    const alice = await named('alice');
    const bob = await named('bob');
    alice.socket.write(Buffer.concat([Buffer.from('bad '), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(' bytes\n')]));
    await bob.waitFor((l) => l.startsWith('alice: bad \uFFFD('));
    alice.send('\u001b[2J\u001b[31mred\u001b[0m \u0007bell \u001b]0;title\u0007done');
    await bob.waitFor('alice: red bell done');
    expect(bob.lines.join('\n')).not.toMatch(/\u001b|\u0007/);
  });

  it('survives a burst of 10,000 lines and delivers them in order', async () => {
    const alice = await named('alice');
    const bob = await named('bob');
    const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);
    alice.socket.write(`${lines.join('\n')}\n`);
    await bob.waitFor('alice: line 9999', 30_000);
    const got = bob.lines.filter((l) => l.startsWith('alice: line ')).map((l) => Number(l.slice(12)));
    expect(got).toEqual(lines.map((_, i) => i));
  });

  it('drops a client that stops reading while 10 MiB is broadcast; the others get everything', async () => {
    const slow = await named('slow');
    const sender = await named('sender');
    const reader = await named('reader');
    slow.socket.pause();
    const heapBefore = process.memoryUsage().heapUsed;
    const chunk = 'x'.repeat(3900);
    const count = Math.ceil((10 * 1024 * 1024) / chunk.length);
    let peakHeap = heapBefore;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
    for (let i = 0; i < count; i++) sender.socket.write(`${i} ${chunk}\n`);
    await reader.waitFor((l) => l.startsWith(`sender: ${count - 1} `), 60_000);
    clearInterval(sampler);
    await reader.waitFor('slow has left the chat.');
    const numbers = reader.lines.filter((l) => l.startsWith('sender: ')).map((l) => Number(l.split(' ')[1]));
    expect(numbers).toEqual(Array.from({ length: count }, (_, i) => i));
    // The slow client's share stays bounded by its buffer, not by what was broadcast.
    expect(peakHeap - heapBefore).toBeLessThan(64 * 1024 * 1024);
    expect(tcp.server.server.chat.members('general')?.map((u) => u.name).sort()).toEqual(['reader', 'sender']);
  }, 90_000);

  it('closes an idle session with a reason when a timeout is set', async () => {
    await tcp.restart({ idleTimeout: 0.3 });
    const alice = await named('alice');
    await alice.waitFor('Disconnected: Idle for 0.3 seconds');
    await alice.closed;
  });
});
