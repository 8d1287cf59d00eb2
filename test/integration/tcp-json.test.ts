import { describe, expect, it } from 'vitest';
import { useTcpServer } from '../helpers/tcp-fixture.js';

type Json = Record<string, unknown>;
const tcp = useTcpServer();
const hello = tcp.hello;

describe('TCP JSON-lines mode', () => {
  it('welcomes with the room state and acknowledges durable messages with id and seq', async () => {
    const ann = await hello('ann');
    const welcome = await ann.waitForJson<Json>((m) => m.type === 'welcome');
    expect(welcome).toMatchObject({ name: 'ann', room: 'general', topic: '', history: [] });
    const ben = await hello('ben');
    await ann.waitForJson((m) => m.type === 'join' && (m.user as Json).name === 'ben');
    ann.json({ type: 'say', room: 'general', text: 'one', id: 'c1' });
    ann.json({ type: 'say', room: '#General', text: 'two', id: 'c2' });
    const ack1 = await ann.waitForJson<{ message: Json }>((m) => m.type === 'ack' && m.re === 'c1');
    const ack2 = await ann.waitForJson<{ message: Json }>((m) => m.type === 'ack' && m.re === 'c2');
    expect(ack1.message).toMatchObject({ room: 'general', author: 'ann', text: 'one', kind: 'chat' });
    expect(ack2.message.seq).toBe((ack1.message.seq as number) + 1);
    const received = await ben.waitForJson<{ message: Json }>((m) => m.type === 'message' && (m.message as Json).text === 'two');
    expect(received.message.id).toBe(ack2.message.id);
    // The author gets an ack, not an echo.
    expect(ann.lines.some((l) => l.includes('"type":"message"'))).toBe(false);
  });

  it('reaches every command, structured or as a slash line', async () => {
    const ann = await hello('ann');
    await hello('ben');
    ann.json({ type: 'join', room: 'dev', id: 1 });
    await ann.waitForJson((m) => m.type === 'joined' && m.re === 1 && m.room === 'dev');
    ann.json({ type: 'who', room: 'general', id: 2 });
    const who = await ann.waitForJson<{ users: Json[] }>((m) => m.type === 'who' && m.re === 2);
    expect(who.users.map((u) => u.name)).toEqual(['ann', 'ben']);
    ann.json({ type: 'command', line: '/topic ship it', id: 3 });
    await ann.waitForJson((m) => m.type === 'topic' && m.re === 3 && m.topic === 'ship it' && m.room === 'dev');
    ann.json({ type: 'rooms', id: 4 });
    const rooms = await ann.waitForJson<{ rooms: Json[] }>((m) => m.type === 'rooms' && m.re === 4);
    expect(rooms.rooms.find((r) => r.name === 'dev')).toMatchObject({ topic: 'ship it', members: 1 });
    ann.json({ type: 'history', room: 'dev', limit: 10, id: 5 });
    const history = await ann.waitForJson<{ messages: Json[] }>((m) => m.type === 'history' && m.re === 5);
    expect(history.messages.map((m) => m.kind)).toEqual(['topic']);
    ann.json({ type: 'msg', to: 'BEN', text: 'hi', id: 6 });
    await ann.waitForJson((m) => m.type === 'private_sent' && m.re === 6 && m.to === 'ben');
    ann.json({ type: 'nick', name: 'Ben', id: 7 });
    await ann.waitForJson((m) => m.type === 'error' && m.re === 7 && m.code === 'name_taken');
    ann.json({ type: 'help', id: 8 });
    await ann.waitForJson((m) => m.type === 'help' && Array.isArray(m.commands));
    ann.json({ type: 'ping', id: 9 });
    await ann.waitForJson((m) => m.type === 'pong' && m.re === 9);
    ann.json({ type: 'quit', reason: 'done', id: 10 });
    await ann.waitForJson((m) => m.type === 'bye' && m.re === 10 && m.reason === 'done');
    await ann.closed;
  });

  it('answers bad JSON and wrong shapes with an error object and keeps the session', async () => {
    const ann = await tcp.open();
    ann.send('{"type":"hello","name":"ann"}');
    await ann.waitForJson((m) => m.type === 'welcome');
    ann.send('{not json');
    await ann.waitForJson((m) => m.type === 'error' && m.code === 'bad_request' && m.re === null);
    ann.json({ type: 'say', room: 'general', id: 'x' });
    await ann.waitForJson((m) => m.type === 'error' && m.code === 'bad_request' && m.re === 'x');
    ann.json({ type: 'launch', id: 'y' });
    await ann.waitForJson((m) => m.type === 'error' && m.code === 'unknown_command' && m.re === 'y');
    ann.send('[1,2,3]');
    await ann.waitForJson((m) => m.type === 'error' && m.code === 'bad_request');
    ann.json({ type: 'say', room: 'nowhere', text: 'x', id: 'z' });
    await ann.waitForJson((m) => m.type === 'error' && m.code === 'not_in_room' && m.re === 'z');
    ann.json({ type: 'ping', id: 'alive' });
    await ann.waitForJson((m) => m.type === 'pong' && m.re === 'alive');
  });

  it('refuses commands before hello', async () => {
    const ann = await tcp.open();
    ann.json({ type: 'say', room: 'general', text: 'x', id: 1 });
    await ann.waitForJson((m) => m.type === 'error' && m.code === 'not_registered');
  });

  it('lets a text user and a JSON user talk to each other', async () => {
    const ann = await hello('ann');
    const tex = await tcp.named('tex');
    tex.send('hello from nc');
    await ann.waitForJson((m) => m.type === 'message' && (m.message as Json).text === 'hello from nc');
    ann.json({ type: 'say', room: 'general', text: 'hello from json' });
    await tex.waitFor('ann: hello from json');
  });
});
