import { describe, expect, it } from 'vitest';
import { auditHistory, type StoredMessage } from '../../bench/chaos/audit.js';
import { Ledger, textOf } from '../../bench/chaos/ledger.js';

/** A ledger with messages a1..an planned in #r and acked at seq i. */
function ackedLedger(n: number): Ledger {
  const ledger = new Ledger();
  for (let i = 1; i <= n; i++) {
    ledger.plan({ id: `a${i}`, author: 'c', room: 'r', text: textOf(`a${i}`) });
    ledger.ack(`a${i}`, { room: 'r', seq: i, messageId: `m${i}` });
  }
  return ledger;
}
const stored = (seq: number, id: string, messageId = `m${seq}`): StoredMessage => ({ id: messageId, room: 'r', seq, text: textOf(id) });
const history = (...messages: StoredMessage[]) => new Map([['r', messages]]);

describe('chaos audit', () => {
  it('passes a faithful history, counting stored-but-unacked messages', () => {
    const ledger = ackedLedger(2);
    ledger.plan({ id: 'u', author: 'c', room: 'r', text: textOf('u') });
    const result = auditHistory(ledger, history(stored(1, 'a1'), stored(2, 'a2'), stored(3, 'u', 'mu')));
    expect(result.violations).toEqual([]);
    expect(result.figures).toMatchObject({ stored: 3, acked: 2, storedUnacked: 1, lost: 0, duplicates: 0, seqFaults: 0 });
  });

  it('reports an acked message that is missing', () => {
    const result = auditHistory(ackedLedger(2), history(stored(1, 'a1')));
    expect(result.figures.lost).toBe(1);
    expect(result.violations.join()).toMatch(/acked but not stored: 1 \(e\.g\. a2\)/);
  });

  it('reports a retry stored twice, and the gap or repeat it makes', () => {
    const result = auditHistory(ackedLedger(2), history(stored(1, 'a1'), stored(2, 'a2'), stored(3, 'a2', 'm3')));
    expect(result.figures.duplicates).toBe(1);
    expect(result.violations.join()).toMatch(/stored more than once: 1 \(e\.g\. a2 x2\)/);
  });

  it('reports seq gaps and an ack whose seq differs from the stored one', () => {
    const result = auditHistory(ackedLedger(2), history(stored(1, 'a1'), { ...stored(3, 'a2'), id: 'm2' }));
    expect(result.figures.seqFaults).toBe(1);
    expect(result.violations.join('\n')).toMatch(/seq gaps or repeats: 1/);
    expect(result.violations.join('\n')).toMatch(/stored under another seq than acked: 1 \(e\.g\. a2 acked as #r 2, stored as #r 3\)/);
  });

  it('reports a retry acked differently from the first ack', () => {
    const ledger = ackedLedger(1);
    ledger.ack('a1', { room: 'r', seq: 9, messageId: 'm9' });
    expect(ledger.retriesAnswered).toBe(1);
    expect(auditHistory(ledger, history(stored(1, 'a1'))).violations.join()).toMatch(/retry acked differently: 1/);
  });
});
