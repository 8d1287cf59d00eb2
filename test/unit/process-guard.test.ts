import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { guardProcess, type ProcessGuardOptions } from '../../src/process-guard.js';

/** A guarded stand-in process: records exits, logs and deadline timers; stop is controllable. */
function guarded(stopResult: 'resolve' | 'reject' | 'hang' = 'resolve') {
  const events = new EventEmitter();
  const exits: number[] = [];
  const logs: Array<{ level: string; msg: string; err?: unknown }> = [];
  const deadlines: Array<() => void> = [];
  let stops = 0;
  let finishStop: () => void = () => undefined;
  const log = (level: string) => (fields: { err?: unknown }, msg: string) => logs.push({ level, msg, err: fields.err });
  guardProcess({
    events,
    stop: () => {
      stops++;
      if (stopResult === 'reject') return Promise.reject(new Error('flush failed'));
      return new Promise<void>((resolve) => {
        finishStop = resolve;
        if (stopResult === 'resolve') resolve();
      });
    },
    logger: { info: log('info'), warn: log('warn'), fatal: log('fatal') } as unknown as ProcessGuardOptions['logger'],
    exit: (code) => exits.push(code),
    deadlineMs: 5000,
    after: (_ms, run) => deadlines.push(run),
  });
  return { events, exits, logs, deadlines, stops: () => stops, finishStop: () => finishStop() };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('guardProcess', () => {
  it('a signal stops gracefully and exits 0', async () => {
    const p = guarded();
    p.events.emit('SIGTERM', 'SIGTERM');
    await settle();
    expect(p.stops()).toBe(1);
    expect(p.exits).toEqual([0]);
  });

  it('an uncaught exception is logged with the error, stops gracefully, then exits 1', async () => {
    const p = guarded('hang');
    const boom = new Error('boom');
    p.events.emit('uncaughtException', boom);
    await settle();
    expect(p.logs).toContainEqual({ level: 'fatal', msg: 'uncaught exception: shutting down', err: boom });
    expect(p.stops()).toBe(1);
    expect(p.exits).toEqual([]); // waits for the graceful stop
    p.finishStop();
    await settle();
    expect(p.exits).toEqual([1]);
  });

  it('an unhandled rejection is logged with its reason and exits 1 after stopping', async () => {
    const p = guarded();
    p.events.emit('unhandledRejection', 'plain reason');
    await settle();
    expect(p.logs).toContainEqual({ level: 'fatal', msg: 'unhandled rejection: shutting down', err: 'plain reason' });
    expect(p.stops()).toBe(1);
    expect(p.exits).toEqual([1]);
  });

  it('a second crash during the shutdown exits 1 at once, without a second stop', async () => {
    const p = guarded('hang');
    p.events.emit('uncaughtException', new Error('first'));
    const second = new Error('second');
    p.events.emit('uncaughtException', second);
    expect(p.exits).toEqual([1]);
    expect(p.stops()).toBe(1);
    expect(p.logs).toContainEqual({ level: 'fatal', msg: 'uncaught exception during shutdown: exiting now', err: second });
    p.finishStop();
    await settle();
    expect(p.exits).toEqual([1]); // exits once
  });

  it('a second signal, or a crash while stopping after a signal, exits 1 at once', () => {
    const p = guarded('hang');
    p.events.emit('SIGINT', 'SIGINT');
    p.events.emit('SIGINT', 'SIGINT');
    expect(p.exits).toEqual([1]);
    const q = guarded('hang');
    q.events.emit('SIGTERM', 'SIGTERM');
    q.events.emit('unhandledRejection', new Error('late'));
    expect(q.exits).toEqual([1]);
  });

  it('a shutdown that fails or passes its deadline exits 1', async () => {
    const failing = guarded('reject');
    failing.events.emit('SIGTERM', 'SIGTERM');
    await settle();
    expect(failing.exits).toEqual([1]);
    expect(failing.logs.map((l) => l.msg)).toContain('shutdown failed');

    const stuck = guarded('hang');
    stuck.events.emit('SIGTERM', 'SIGTERM');
    expect(stuck.deadlines).toHaveLength(1);
    stuck.deadlines[0]?.();
    expect(stuck.exits).toEqual([1]);
  });
});
