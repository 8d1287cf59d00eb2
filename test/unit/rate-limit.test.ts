import { describe, expect, it } from 'vitest';
import { CommandBudget, HARD_WINDOW_MS, TokenBucket, classOf, type FloodBudgets } from '../../src/core/rate-limit.js';

const budgets: FloodBudgets = {
  general: { burst: 10, perSecond: 5 },
  expensive: { burst: 2, perSecond: 1 },
  social: { burst: 3, perSecond: 1 },
  hardLimit: 5,
  privilegedMultiplier: 10,
};

describe('TokenBucket', () => {
  it('allows the burst at once, then one token per 1/rate seconds', () => {
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, 0);
    for (let i = 0; i < 3; i++) {
      expect(bucket.waitMs(0)).toBe(0);
      bucket.take(0);
    }
    expect(bucket.waitMs(0)).toBe(500);
    expect(bucket.waitMs(499)).toBe(1);
    expect(bucket.waitMs(500)).toBe(0);
  });

  it('refills no further than the burst after a long quiet spell', () => {
    const bucket = new TokenBucket({ burst: 2, perSecond: 1 }, 0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.waitMs(1_000_000)).toBe(0);
    bucket.take(1_000_000);
    bucket.take(1_000_000);
    expect(bucket.waitMs(1_000_000)).toBe(1000);
  });

  it('does not refill when the clock goes backwards', () => {
    const bucket = new TokenBucket({ burst: 1, perSecond: 1 }, 1000);
    bucket.take(1000);
    expect(bucket.waitMs(0)).toBe(1000);
    expect(bucket.waitMs(1000)).toBe(1000);
  });
});

describe('classOf', () => {
  it('puts reads of many rows and commands that reach others in their own budgets', () => {
    expect(['history', 'rooms', 'who'].map((t) => classOf(t as 'history'))).toEqual(['expensive', 'expensive', 'expensive']);
    expect(['msg', 'join', 'nick'].map((t) => classOf(t as 'msg'))).toEqual(['social', 'social', 'social']);
    expect(classOf('say')).toBe('general');
  });
});

describe('CommandBudget', () => {
  it('needs a token in the general budget and in the class budget', () => {
    const budget = new CommandBudget(budgets, 0);
    expect(budget.tryTake('expensive', 0)).toBe(0);
    expect(budget.tryTake('expensive', 0)).toBe(0);
    expect(budget.tryTake('expensive', 0)).toBe(1000);
    // The general budget still has 8 of 10.
    for (let i = 0; i < 8; i++) expect(budget.tryTake('general', 0)).toBe(0);
    expect(budget.tryTake('general', 0)).toBe(200);
    expect(budget.waitMs('social', 0)).toBe(200);
  });

  it('gives a privileged session budgets times the multiplier, full from then on', () => {
    const budget = new CommandBudget(budgets, 0);
    for (let i = 0; i < 10; i++) budget.take('general', 0);
    expect(budget.waitMs('general', 0)).toBeGreaterThan(0);
    budget.setPrivileged(true, 0);
    for (let i = 0; i < 100; i++) expect(budget.tryTake('general', 0)).toBe(0);
    expect(budget.waitMs('general', 0)).toBe(20);
  });

  it('reports the hard limit once refusals within the window pass it, and forgets old ones', () => {
    const budget = new CommandBudget(budgets, 0);
    for (let i = 0; i < 5; i++) expect(budget.refused(i)).toBe(false);
    expect(budget.refused(5)).toBe(true);
    // Ten seconds later the old refusals no longer count.
    expect(budget.refused(5 + HARD_WINDOW_MS)).toBe(false);
  });
});
