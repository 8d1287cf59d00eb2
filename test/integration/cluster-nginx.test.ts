import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_SKIP_REASON, startClusterServices, startNodes, type ClusterServices } from '../helpers/cluster.js';
import { eventually, freePort } from '../helpers/wait.js';
import type { TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { SioClient } from '../e2e/support/sio-client.js';

const NGINX = '/usr/sbin/nginx';
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const RECIPE = new URL('../../deploy/nginx.conf', import.meta.url);
const SKIP =
  CLUSTER_SKIP_REASON ??
  (!existsSync(NGINX) || !existsSync(STREAM_MODULE) ? 'nginx is not installed (apt-get install nginx libnginx-mod-stream)' : null);
if (SKIP !== null) console.warn(`Skipping the nginx recipe test: ${SKIP}`);


/** deploy/nginx.conf as published, with its ports moved to the ones this test got. */
function recipeFor(httpPort: number, tcpPort: number, nodes: readonly TestServer[]): string {
  let text = readFileSync(RECIPE, 'utf8');
  text = text.replace('listen 3000;', `listen 127.0.0.1:${httpPort};`).replace('listen 4000;', `listen 127.0.0.1:${tcpPort};`);
  nodes.forEach((node, i) => {
    text = text.replace(`server 127.0.0.1:${3001 + i} `, `server 127.0.0.1:${node.httpPort} `).replace(`server 127.0.0.1:${4001 + i} `, `server 127.0.0.1:${node.tcpPort} `);
  });
  return text;
}

describe.skipIf(SKIP !== null)('the nginx recipe in front of three nodes', () => {
  let services: ClusterServices;
  let nodes: TestServer[] = [];
  let nginx: ChildProcess | null = null;
  let dir = '';
  let httpPort = 0;
  let tcpPort = 0;

  beforeAll(async () => {
    services = await startClusterServices();
    nodes = await startNodes(3, await services.postgres.freshDatabaseUrl(), services.redis.url);
    dir = mkdtempSync(join(tmpdir(), 'parley-nginx-'));
    httpPort = await freePort();
    tcpPort = await freePort();
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, recipeFor(httpPort, tcpPort, nodes));
    expect(readFileSync(conf, 'utf8')).not.toMatch(/server 127\.0\.0\.1:(300|400)[1-3] /);
    nginx = spawn(NGINX, ['-c', conf, '-p', dir, '-g', `pid ${join(dir, 'nginx.pid')}; daemon off;`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    nginx.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await eventually(
      async () => {
        if (nginx?.exitCode !== null) throw new Error(`nginx exited: ${out}`);
        return fetch(`http://127.0.0.1:${httpPort}/api/health/live`).then((r) => r.ok, () => false);
      },
      10_000,
      'nginx to proxy',
    );
  }, 90_000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx?.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    for (const node of nodes) await node.dispose();
    await services?.dispose();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API, Socket.IO (long-polling and WebSocket) and the TCP door as one chat', async () => {
    expect((await fetch(`http://127.0.0.1:${httpPort}/api/health/ready`)).status).toBe(200);
    const polling = await SioClient.connect(httpPort, { transports: ['polling'] });
    const ws = await SioClient.connect(httpPort, { transports: ['websocket'] });
    const nc = await LineClient.named(tcpPort, 'ncuser');
    try {
      expect((await polling.request('hello', { name: 'poller' })).ok).toBe(true);
      expect((await ws.request('hello', { name: 'sockets' })).ok).toBe(true);
      nc.send('through the balancer');
      await polling.waitFor('message', (p) => (p as { text: string }).text === 'through the balancer', 10_000);
      await ws.waitFor('message', (p) => (p as { text: string }).text === 'through the balancer', 10_000);
      expect((await polling.request('say', { room: 'general', text: 'and back over polling' })).ok).toBe(true);
      await nc.waitFor('poller: and back over polling', 10_000);
    } finally {
      polling.close();
      ws.close();
      nc.close();
    }
  });

  it('spreads TCP connections over the nodes and keeps serving when one of them stops', async () => {
    const clients = await Promise.all([0, 1, 2].map((i) => LineClient.named(tcpPort, `spread${i}`)));
    try {
      const perNode = nodes.map((node) => node.server.chat.sessionCount);
      expect(perNode.filter((n) => n > 0).length).toBeGreaterThan(1);
      await (nodes[0] as TestServer).stop();
      const survivors = clients.filter((c) => !c.lines.some((l) => l.startsWith('Server is shutting down')));
      expect(survivors.length).toBeGreaterThan(0);
      // New connections go to the nodes still up, and reach the users there.
      const late = await LineClient.named(tcpPort, 'late');
      late.send('still here');
      for (const survivor of survivors) await survivor.waitFor('late: still here', 10_000);
      expect((await fetch(`http://127.0.0.1:${httpPort}/api/health/ready`)).status).toBe(200);
      late.close();
    } finally {
      for (const client of clients) client.close();
    }
  });
});
