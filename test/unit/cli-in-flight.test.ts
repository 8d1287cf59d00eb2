import { describe, expect, it } from 'vitest';
import { InFlight } from '../../clients/cli/in-flight.js';

describe('InFlight', () => {
  it('gives ids unique across clients (a random prefix each) and connections', () => {
    const a = new InFlight();
    const b = new InFlight();
    const ids = [a, b, a, b].map((f) => f.add({ type: 'say', room: 'r', text: 't' }).id);
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]?.split('-')[0]).not.toBe(ids[1]?.split('-')[0]);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(64);
  });

  it('hands back unanswered say and action, with their ids, for resending; a retry keeps its id', () => {
    const f = new InFlight('p');
    const say = f.add({ type: 'say', room: 'r', text: 'one' });
    f.add({ type: 'msg', to: 'bob', text: 'psst' });
    const action = f.add({ type: 'action', room: 'r', text: 'waves' });
    f.add({ type: 'join', room: 'x' });
    expect(f.blockingOpen).toBe(1);
    const { retry, lost } = f.clear();
    expect(retry).toEqual([say, action]);
    expect(lost.map((r) => r.type)).toEqual(['msg', 'join']);
    expect(f.size).toBe(0);
    expect(f.blockingOpen).toBe(0);
    expect(f.add(retry[0]!).id).toBe(say.id);
  });

  it('counts join, leave and nick as blocking until answered', () => {
    const f = new InFlight('p');
    const join = f.add({ type: 'join', room: 'x' });
    const nick = f.add({ type: 'nick', name: 'n' });
    f.add({ type: 'say', room: 'r', text: 't' });
    expect(f.blockingOpen).toBe(2);
    f.take(join.id);
    f.take(nick.id);
    expect(f.blockingOpen).toBe(0);
  });
});
