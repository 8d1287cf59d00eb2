import { describe, expect, it } from 'vitest';
import { useTcpServer } from '../helpers/tcp-fixture.js';

// A rate high enough that the test is quick, low enough that 100 lines must wait.
const tcp = useTcpServer({ floodControl: true, floodBurst: 10, floodRate: 50, floodHardLimit: 200 });

type Message = { text: string; ts: number; author: string };
const said = (m: Record<string, unknown>, text: string): boolean => m.type === 'message' && (m.message as Message | undefined)?.text === text;

describe('TCP flood control', () => {
  it('text mode: a burst of 100 lines is paced, and every line arrives, in order', async () => {
    const watcher = await tcp.hello('watcher');
    const flooder = await tcp.named('flooder');
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    flooder.socket.write(lines.map((l) => `${l}\n`).join(''));
    await watcher.waitForJson((m) => said(m, 'line 99'), 20_000);
    const messages = watcher.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; message?: Message })
      .flatMap((m) => (m.type === 'message' && m.message?.author === 'flooder' ? [m.message] : []));
    expect(messages.map((m) => m.text)).toEqual(lines);
    // Paced: after the burst of 10, 90 lines at 50 per second take at least 1.8 s of server time.
    const first = messages[0]?.ts ?? 0;
    const last = messages[99]?.ts ?? 0;
    expect(last - first).toBeGreaterThanOrEqual(1700);
    // Nothing was refused along the way.
    expect(flooder.lines.filter((l) => /error|Flooding/i.test(l))).toEqual([]);
  });

  it('JSON lines: requests over budget wait and are all answered, in order', async () => {
    const client = await tcp.hello('jay');
    for (let i = 0; i < 40; i++) client.json({ type: 'say', room: 'general', text: `m${i}`, id: `r${i}` });
    await client.waitForJson((m) => m.re === 'r39', 20_000);
    const acks = client.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; re?: string }).filter((m) => typeof m.re === 'string' && m.re.startsWith('r'));
    expect(acks.map((m) => m.re)).toEqual(Array.from({ length: 40 }, (_, i) => `r${i}`));
    expect(acks.every((m) => m.type !== 'error')).toBe(true);
  });

  it('disconnects a client with more lines waiting than the hard limit, with the reason; the others see it leave', async () => {
    await tcp.restart({ floodControl: true, floodBurst: 5, floodRate: 1, floodHardLimit: 20 });
    const watcher = await tcp.named('watcher');
    const flooder = await tcp.named('flooder');
    flooder.socket.write(Array.from({ length: 100 }, (_, i) => `spam ${i}\n`).join(''));
    await flooder.waitFor(/^Disconnected: Flooding/);
    await flooder.closed;
    await watcher.waitFor('flooder has left the chat.');
    // What waited past the limit was never run.
    expect(watcher.lines).not.toContain('flooder: spam 99');
  });

  it('JSON lines: the hard limit ends the session with bye code flood', async () => {
    await tcp.restart({ floodControl: true, floodBurst: 5, floodRate: 1, floodHardLimit: 20 });
    const client = await tcp.hello('jay');
    client.socket.write(Array.from({ length: 60 }, (_, i) => JSON.stringify({ type: 'say', room: 'general', text: `x${i}` }) + '\n').join(''));
    const bye = await client.waitForJson<{ code: string; reason: string }>((m) => m.type === 'bye');
    expect(bye.code).toBe('flood');
    await client.closed;
  });

  it('is off with FLOOD_CONTROL=false: 100 lines are not held back', async () => {
    await tcp.restart({ floodControl: false, floodBurst: 1, floodRate: 0.1, floodHardLimit: 5 });
    const watcher = await tcp.hello('watcher');
    const flooder = await tcp.named('flooder');
    flooder.socket.write(Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join(''));
    await watcher.waitForJson((m) => said(m, 'line 99'), 10_000);
  });
});
