import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config.js';
import { createLogger, wantsPretty } from '../../src/logging.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/** Lines written to it, as text. */
class Capture extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  get lines(): string[] {
    return this.chunks.join('').split('\n').filter((l) => l !== '');
  }
  json(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

describe('createLogger', () => {
  it('writes JSON with the node id on every line, children adding door and session', () => {
    const out = new Capture();
    const logger = createLogger({ level: 'info', format: 'json', nodeId: 'node-1', destination: out });
    logger.info('started');
    logger.child({ door: 'tcp', session: 's1' }).warn({ room: 'dev' }, 'slow');
    const [first, second] = out.json();
    expect(first).toMatchObject({ node: 'node-1', msg: 'started', level: 30 });
    expect(second).toMatchObject({ node: 'node-1', door: 'tcp', session: 's1', room: 'dev', msg: 'slow' });
  });

  it('is pretty on a terminal or when asked, JSON otherwise', () => {
    expect(wantsPretty('auto', true)).toBe(true);
    expect(wantsPretty('auto', false)).toBe(false);
    expect(wantsPretty('pretty', false)).toBe(true);
    expect(wantsPretty('json', true)).toBe(false);
    const out = new Capture();
    createLogger({ level: 'info', format: 'pretty', nodeId: 'node-2', destination: out }).info({ door: 'tcp' }, 'hello people');
    const line = out.chunks.join('');
    expect(line).toContain('hello people');
    expect(line).toContain('node-2');
    expect(() => JSON.parse(line)).toThrow();
  });

  it('redacts passwords, tokens and message text wherever a mistake puts them', () => {
    const out = new Capture();
    createLogger({ level: 'info', format: 'json', nodeId: 'n', destination: out }).error({ password: 'hunter2', command: { type: 'say', text: 'private words' }, token: 'abc' }, 'oops');
    const line = out.lines[0] ?? '';
    expect(line).not.toMatch(/hunter2|private words|abc/);
    expect(JSON.parse(line)).toMatchObject({ password: '[redacted]', command: { type: 'say', text: '[redacted]' } });
  });
});

describe("a real server's log while people chat and log in", () => {
  let server: RunningServer | null = null;
  let dataDir = '';
  afterEach(async () => {
    await server?.stop();
    server = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has the node on every line and no message text or password above debug', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-log-'));
    const config = ConfigSchema.parse({ port: 0, tcpPort: 0, host: '127.0.0.1', console: false, dataDir, nodeId: 'node-log', logLevel: 'trace' });
    const out = new Capture();
    // Everything is captured (trace): the check below is on what is logged above debug.
    server = await startServer(config, { logger: createLogger({ level: 'trace', format: 'json', nodeId: config.nodeId, destination: out }) });
    const PASSWORD = 'Sw0rdfish-and-chips';
    const TEXT = 'the launch code is 0000';

    const ann = await LineClient.named(server.tcpPort, 'ann');
    ann.send(`/register ${PASSWORD}`);
    await ann.waitFor('You are logged in as ann.');
    const ben = await LineClient.named(server.tcpPort, 'ben');
    ann.send(TEXT);
    await ben.waitFor((l) => l.includes(TEXT));
    const wrong = await LineClient.open(server.tcpPort);
    await wrong.waitFor('Enter your name:');
    wrong.send(`/login ann ${PASSWORD}-wrong`);
    await wrong.waitFor((l) => /wrong name or password/i.test(l));
    const http = await fetch(`http://127.0.0.1:${server.httpPort}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ann', password: PASSWORD }),
    });
    expect(http.status).toBe(200);
    for (const client of [ann, ben, wrong]) client.close();
    await server.stop();
    server = null;

    const lines = out.json();
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.node).toBe('node-log');
    const aboveDebug = out.lines.filter((_l, i) => (lines[i]?.level as number) > 20);
    expect(aboveDebug.length).toBeGreaterThan(0);
    for (const line of aboveDebug) {
      expect(line).not.toContain(PASSWORD);
      expect(line).not.toContain(TEXT);
    }
    expect(lines.some((l) => l.door === 'tcp')).toBe(true);
  });
});
