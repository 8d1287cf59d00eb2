import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config.js';
import { DataDirError, prepareDataDir } from '../../src/data-dir.js';
import { listen, ListenError } from '../../src/gateways/listen.js';
import { explainStartupError } from '../../src/startup-error.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = ConfigSchema.parse({ port: 3100, tcpPort: 4100, host: '127.0.0.1', dataDir: dir });

const systemError = (fields: Record<string, unknown>): Error => Object.assign(new Error(String(fields.message ?? 'x')), fields);

describe('explainStartupError', () => {
  it('explains a raw bind failure (Fastify reports the HTTP port as a system error)', () => {
    const error = systemError({ message: 'listen EADDRINUSE', code: 'EADDRINUSE', syscall: 'listen', port: 3100 });
    expect(explainStartupError(error, config)).toBe('Port 3100 on 127.0.0.1 is already in use (PORT). Stop the other program or choose another port.');
  });

  it('explains a store that is not a database', () => {
    const error = systemError({ message: 'file is not a database', code: 'SQLITE_NOTADB' });
    expect(explainStartupError(error, config)).toMatch(/^Cannot open the history store .*parley\.db: file is not a database \(SQLITE_NOTADB\)/);
  });

  it('returns null for anything it does not know, so defects are not dressed up as settings', () => {
    expect(explainStartupError(new TypeError('x is undefined'), config)).toBeNull();
    expect(explainStartupError('a string', config)).toBeNull();
  });
});

describe('prepareDataDir', () => {
  it('creates a missing folder', () => {
    prepareDataDir(join(dir, 'a', 'b'));
    expect(() => prepareDataDir(join(dir, 'a', 'b'))).not.toThrow();
  });

  it('refuses a file, or a path under a file, with one line', () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    expect(() => prepareDataDir(file)).toThrow(DataDirError);
    expect(() => prepareDataDir(join(file, 'below'))).toThrow(/is a file, or lies under one/);
  });
});

describe('listen', () => {
  it('reports a busy port once, as a ListenError, without calling the door\'s own error listener', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const server = createServer();
    const doorSaw: Error[] = [];
    server.on('error', (error) => doorSaw.push(error));
    await expect(listen(server, port, '127.0.0.1', 'TCP_PORT')).rejects.toThrow(ListenError);
    expect(doorSaw).toEqual([]);
    // The door's listener is back for errors after start-up.
    server.emit('error', new Error('later'));
    expect(doorSaw.map((e) => e.message)).toEqual(['later']);
    blocker.close();
  });
});
