import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { useTcpServer } from '../helpers/tcp-fixture.js';

type Json = Record<string, unknown>;
const tcp = useTcpServer();
const parsedLines = (lines: readonly string[]): Json[] =>
  lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Json);

describe('TCP answers come before goodbye', () => {
  it('answers a JSON hello, say and quit written in one packet with welcome, ack, bye, in that order', async () => {
    const ann = await tcp.open();
    const packet = [
      { type: 'hello', name: 'ann', id: 1 },
      { type: 'say', room: 'general', text: 'kept', id: 2 },
      { type: 'quit', id: 3 },
    ];
    ann.socket.write(packet.map((p) => `${JSON.stringify(p)}\n`).join(''));
    await ann.closed;
    expect(parsedLines(ann.lines).map((m) => `${String(m.type)}:${String(m.re)}`)).toEqual(['welcome:1', 'ack:2', 'bye:3']);
    const history = await tcp.server.server.chat.history('general', {});
    expect(Array.isArray(history) && history.map((m) => m.text)).toEqual(['kept']);
  });

  it('answers text lines written with /quit in one packet before Bye!', async () => {
    const bob = await tcp.named('bob');
    const tex = await tcp.open();
    tex.socket.write('tex\none\ntwo\n/me waves\n/quit\n');
    await tex.closed;
    expect(tex.lines.slice(-2)).toEqual(['* tex waves', 'Bye!']);
    await bob.waitFor('tex has left the chat.');
    expect(bob.lines.filter((l) => l.startsWith('tex: ') || l.startsWith('* tex'))).toEqual(['tex: one', 'tex: two', '* tex waves']);
  });

  it('answers every pipelined request exactly once before bye when the server stops mid-stream', async () => {
    const ann = await tcp.hello('ann');
    const ids = Array.from({ length: 200 }, (_, i) => i + 1);
    ann.socket.write(ids.map((id) => `${JSON.stringify({ type: 'say', room: 'general', text: `m${id}`, id })}\n`).join(''));
    await ann.waitForJson((m) => m.type === 'ack');
    await tcp.server.stop();
    await ann.closed;
    const messages = parsedLines(ann.lines);
    const byeAt = messages.findIndex((m) => m.type === 'bye');
    expect(byeAt).toBe(messages.length - 1);
    expect(messages[byeAt]).toMatchObject({ code: 'shutdown' });
    const answers = messages.filter((m) => typeof m.re === 'number');
    expect(answers.map((m) => m.re).sort((x, y) => Number(x) - Number(y))).toEqual(ids);
    for (const answer of answers) {
      if (answer.type !== 'ack') expect(answer).toMatchObject({ type: 'error', code: 'shutting_down' });
    }
    const acked = answers.filter((m) => m.type === 'ack').map((m) => (m.message as Json).id);
    expect(acked.length).toBeGreaterThan(0);
    const store = SqliteStore.open(join(tcp.server.dataDir, 'parley.db'));
    try {
      const stored = new Set((await store.history('general', { limit: 500 })).map((m) => m.id));
      for (const id of acked) expect(stored.has(String(id))).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('TCP JSON retries', () => {
  it('answers a say retried with the same id with the first ack, stored and delivered once', async () => {
    const ann = await tcp.hello('ann');
    const bob = await tcp.hello('bob');
    ann.json({ type: 'say', room: 'general', text: 'once', id: 'r1' });
    const first = await ann.waitForJson<{ message: Json }>((m) => m.type === 'ack' && m.re === 'r1');
    ann.json({ type: 'say', room: 'general', text: 'once', id: 'r1' });
    ann.json({ type: 'say', room: 'general', text: 'marker', id: 'r2' });
    await ann.waitForJson((m) => m.type === 'ack' && m.re === 'r2');
    await bob.waitForJson((m) => m.type === 'message' && (m.message as Json).text === 'marker');
    const acks = parsedLines(ann.lines).filter((m) => m.type === 'ack' && m.re === 'r1') as Array<{ message: Json }>;
    expect(acks).toHaveLength(2);
    expect(acks[1]?.message).toMatchObject({ id: first.message.id, seq: first.message.seq });
    const history = await tcp.server.server.chat.history('general', {});
    expect(Array.isArray(history) && history.map((m) => m.text)).toEqual(['once', 'marker']);
    expect(parsedLines(bob.lines).filter((m) => m.type === 'message' && (m.message as Json).text === 'once')).toHaveLength(1);
  });
});

describe('TCP bounded room lists', () => {
  it('pages 300 rooms: 200 with next, then the rest; the client stays connected', async () => {
    const chat = tcp.server.server.chat;
    for (let i = 0; i < 300; i++) await chat.postAs('bot', `room${String(i).padStart(3, '0')}`, 'x');
    const ann = await tcp.hello('ann');
    ann.json({ type: 'rooms', id: 'p1' });
    const first = await ann.waitForJson<{ rooms: Json[]; next: string | null }>((m) => m.type === 'rooms' && m.re === 'p1');
    expect(first.rooms).toHaveLength(200);
    expect(first.next).toBe(first.rooms[199]?.name);
    ann.json({ type: 'rooms', id: 'p2', after: first.next });
    const second = await ann.waitForJson<{ rooms: Json[]; next: string | null }>((m) => m.type === 'rooms' && m.re === 'p2');
    expect(second.next).toBeNull();
    const names = [...first.rooms, ...second.rooms].map((r) => r.name);
    expect(names).toEqual(chat.listRooms().map((r) => r.name));
    expect(names).toHaveLength(301);
    ann.json({ type: 'rooms', id: 'p3', limit: 5 });
    const small = await ann.waitForJson<{ rooms: Json[] }>((m) => m.type === 'rooms' && m.re === 'p3');
    expect(small.rooms).toHaveLength(5);
    ann.json({ type: 'ping', id: 'alive' });
    await ann.waitForJson((m) => m.type === 'pong' && m.re === 'alive');
  });

  it('shows a page in text mode and how to get the next', async () => {
    const chat = tcp.server.server.chat;
    for (let i = 0; i < 250; i++) await chat.postAs('bot', `room${String(i).padStart(3, '0')}`, 'x');
    const tex = await tcp.named('tex');
    tex.send('/rooms');
    const more = await tex.waitFor(/^More rooms: \/rooms \S+$/);
    expect(tex.lines).toContain('Rooms (200):');
    const from = tex.lines.length;
    tex.send(more.slice('More rooms: '.length));
    await tex.waitFor('Rooms (51):', 5000, from);
    await tex.waitFor('  #room249 (0 users)', 5000, from);
  });
});

describe('TCP unexpected failures', () => {
  it('answers internal_error and closes only the connection whose command threw', async () => {
    const chat = tcp.server.server.chat;
    const ann = await tcp.hello('ann');
    const bob = await tcp.hello('bob');
    const execute = chat.execute.bind(chat);
    const spy = vi.spyOn(chat, 'execute').mockImplementation(async (sessionId, command) => {
      if (command.type === 'who') throw new Error('boom');
      return execute(sessionId, command);
    });
    try {
      ann.json({ type: 'who', room: 'general', id: 'w' });
      await ann.waitForJson((m) => m.type === 'error' && m.re === 'w' && m.code === 'internal_error');
      const bye = await ann.waitForJson<Json>((m) => m.type === 'bye');
      expect(bye.code).toBe('internal_error');
      await ann.closed;
      await bob.waitForJson((m) => m.type === 'leave' && (m.user as Json).name === 'ann');
      bob.json({ type: 'ping', id: 'p' });
      await bob.waitForJson((m) => m.type === 'pong' && m.re === 'p');
    } finally {
      spy.mockRestore();
    }
  });
});
