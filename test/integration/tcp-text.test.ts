import { describe, expect, it } from 'vitest';
import type { LineClient } from '../helpers/tcp-client.js';
import { useTcpServer } from '../helpers/tcp-fixture.js';

const tcp = useTcpServer();
const open = (name?: string): Promise<LineClient> => (name ? tcp.named(name) : tcp.open());

describe('TCP text mode', () => {
  it('greets, refuses empty and taken names (case-insensitively), then welcomes', async () => {
    await open('Alice');
    const bob = await open();
    await bob.waitFor('Welcome to Parley!');
    await bob.waitFor('Enter your name:');
    bob.send('');
    await bob.waitFor('Please enter a non-empty name:');
    bob.send('alice');
    await bob.waitFor('Name "alice" is already taken. Choose a different name:');
    bob.send('bob smith');
    await bob.waitFor(/no spaces.*Choose a different name:$/);
    bob.send('bob');
    const welcome = await bob.waitFor(/^Welcome, bob!/);
    expect(welcome).toContain('#general');
  });

  it('announces joins and leaves and relays lines to the others without echo', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    await alice.waitFor('bob has joined the chat.');
    bob.send('hello alice');
    await alice.waitFor('bob: hello alice');
    alice.send('hi bob');
    await bob.waitFor('alice: hi bob');
    expect(bob.lines).not.toContain('bob: hello alice');
    expect(alice.lines).not.toContain('alice: hi bob');
    bob.close();
    await alice.waitFor('bob has left the chat.');
  });

  it('shows the room history to a newcomer', async () => {
    const alice = await open('alice');
    alice.send('first');
    alice.send('/me waves');
    alice.send('/who');
    await alice.waitFor(/^Users in #general \(1\): alice$/);
    // The action's echo comes with its ack: both messages are stored by then.
    await alice.waitFor('* alice waves');
    const carol = await open('carol');
    await carol.waitFor(/^--- last 2 messages in #general ---$/);
    await carol.waitFor(/^\[\d\d:\d\d\] alice: first$/);
    await carol.waitFor(/^\[\d\d:\d\d\] \* alice waves$/);
  });

  it('runs the slash commands', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    alice.send('/join #Dev');
    await alice.waitFor(/^You joined #dev \(topic: none\)\. 1 here: alice$/);
    alice.send('in dev');
    bob.send('/rooms');
    await bob.waitFor('  #dev (1 user)');
    bob.send('/msg ALICE psst');
    await alice.waitFor('[PM from bob]: psst');
    await bob.waitFor('[PM to alice]: psst');
    bob.send('/nick bobby');
    await bob.waitFor('You are now known as bobby.');
    await alice.waitFor('bob is now known as bobby.');
    alice.send('/topic Shipping today');
    await alice.waitFor('You set the topic of #dev to: Shipping today');
    bob.send('/frobnicate');
    await bob.waitFor('Error: Unknown command "/frobnicate". Type /help for the list.');
    bob.send('/join');
    await bob.waitFor('Error: Usage: /join ROOM');
    bob.send('/help');
    await bob.waitFor(/^ {2}\/msg NAME TEXT +a private message to one user$/);
    alice.send('/leave');
    await alice.waitFor('You left #dev.');
    await alice.waitFor('You are now talking in #general.');
    alice.send('/history 5');
    await alice.waitFor(/^No messages in #general yet\.$/);
    bob.send('/quit gone fishing');
    await bob.waitFor('Bye!');
    await bob.closed;
    await alice.waitFor('bobby has left the chat.');
  });

  it('prefixes events of rooms other than the current one', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    alice.send('/join dev');
    await alice.waitFor(/^You joined #dev/);
    bob.send('in general');
    await alice.waitFor('[#general] bob: in general');
  });

  it('sends operator console lines to everyone as [SERVER]', async () => {
    const alice = await open('alice');
    const json = await open();
    json.json({ type: 'hello', name: 'jay' });
    await json.waitForJson((m) => m.type === 'welcome');
    tcp.server.console.write('maintenance at noon\n');
    await alice.waitFor('[SERVER]: maintenance at noon');
    await json.waitForJson((m) => m.type === 'broadcast' && m.text === 'maintenance at noon');
  });

  it('tells every client on shutdown', async () => {
    const alice = await open('alice');
    const jay = await open();
    jay.json({ type: 'hello', name: 'jay' });
    await jay.waitForJson((m) => m.type === 'welcome');
    await tcp.server.stop();
    await alice.waitFor('Server is shutting down. Bye!');
    await jay.waitForJson((m) => m.type === 'bye' && m.reason === 'Server is shutting down. Bye!');
    await alice.closed;
  });

  it('shows a message with line breaks as one line per part, each with the name and room prefix', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    const json = await tcp.open();
    json.json({ type: 'hello', name: 'jay', id: 'h' });
    await json.waitForJson((m) => m.type === 'welcome');
    bob.send('/join dev');
    await bob.waitFor(/^You joined #dev/);
    json.json({ type: 'say', room: 'general', text: 'multi\nline', id: 1 });
    await alice.waitFor('jay: line');
    expect(alice.lines.slice(-2)).toEqual(['jay: multi', 'jay: line']);
    await bob.waitFor('[#general] jay: line');
    expect(bob.lines.slice(-2)).toEqual(['[#general] jay: multi', '[#general] jay: line']);
    json.json({ type: 'msg', to: 'alice', text: 'one\ntwo', id: 2 });
    await alice.waitFor('[PM from jay]: two');
    expect(alice.lines.slice(-2)).toEqual(['[PM from jay]: one', '[PM from jay]: two']);
  });

  it('refuses extra words with the usage line instead of dropping them', async () => {
    const alice = await open('alice');
    alice.send('/nick bad name');
    await alice.waitFor('Error: Usage: /nick NAME');
    alice.send('/join a b');
    await alice.waitFor('Error: Usage: /join ROOM');
    alice.send('/who');
    await alice.waitFor('Users in #general (1): alice');
    expect(tcp.server.server.chat.members('a')).toBeNull();
  });
});
