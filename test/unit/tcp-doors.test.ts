import { describe, expect, it } from 'vitest';
import type { Disconnect } from '../../src/core/disconnect.js';
import type { ChatEvent } from '../../src/core/types.js';
import { JsonDoor, TextDoor, type Outlet, type TextLink } from '../../src/gateways/tcp/doors.js';

class FakeOutlet implements Outlet {
  readonly sent: string[] = [];
  failed: unknown = null;
  closed: Disconnect | null = null;
  constructor(readonly broken = false) {}
  send(data: string | Buffer): void {
    if (this.broken) throw new Error('write failed');
    this.sent.push(data.toString());
  }
  close(reason: Disconnect): void {
    if (this.broken) throw new Error('close failed');
    this.closed = reason;
  }
  fail(error: unknown): void {
    this.failed = error;
  }
}

const textLink = (connection: FakeOutlet, room: string | null = 'general'): TextLink => ({ connection, currentRoom: () => room });
const event: ChatEvent = { type: 'message', message: { id: 'm', room: 'general', seq: 1, kind: 'chat', author: 'ann', text: 'a\nb', ts: 0 } };

describe('TCP doors', () => {
  it('text door: one connection failing to write does not stop delivery to the others', () => {
    const [first, broken, last] = [new FakeOutlet(), new FakeOutlet(true), new FakeOutlet()];
    new TextDoor().deliver(event, new Set([textLink(first), textLink(broken), textLink(last, 'dev')]));
    expect(first.sent).toEqual(['ann: a\r\nann: b\r\n']);
    expect(last.sent).toEqual(['[#general] ann: a\r\n[#general] ann: b\r\n']);
    expect(broken.failed).toBeInstanceOf(Error);
  });

  it('json door: likewise, for events and for the disconnect of everyone', () => {
    const [first, broken, last] = [new FakeOutlet(), new FakeOutlet(true), new FakeOutlet()];
    const door = new JsonDoor();
    const links = new Set([{ connection: first }, { connection: broken }, { connection: last }]);
    door.deliver(event, links);
    expect(last.sent).toHaveLength(1);
    door.deliver({ type: 'disconnect', code: 'shutdown', reason: 'Bye' }, links);
    expect(first.closed).toEqual({ code: 'shutdown', reason: 'Bye' });
    expect(last.closed).toEqual({ code: 'shutdown', reason: 'Bye' });
    expect(broken.failed).toBeInstanceOf(Error);
  });
});
