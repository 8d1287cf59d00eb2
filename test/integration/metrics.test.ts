import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { parsePrometheusText, valueOf, type Sample } from '../helpers/prometheus-text.js';
import { LineClient } from '../helpers/tcp-client.js';

/** GET /metrics of a real server (SQLite store, in-process bus) while JSON-lines clients chat. */

let server: TestServer | null = null;
const clients: LineClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server?.dispose();
  server = null;
});

async function hello(s: TestServer, name: string): Promise<LineClient> {
  const client = await LineClient.open(s.tcpPort);
  clients.push(client);
  client.json({ type: 'hello', name, id: 'hello' });
  await client.waitForJson((m) => m.type === 'welcome' && m.re === 'hello');
  return client;
}

async function request(client: LineClient, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const id = `r${Math.random().toString(36).slice(2)}`;
  client.json({ ...body, id });
  return client.waitForJson((m) => m.re === id);
}

async function scrape(s: TestServer, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; samples: Sample[] }> {
  const res = await fetch(`http://127.0.0.1:${s.httpPort}/metrics`, { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), samples: res.status === 200 ? parsePrometheusText(text) : [] };
}

describe('GET /metrics', () => {
  it('parses as Prometheus text with the process metrics and parley_* labelled by node', async () => {
    server = await startTestServer({ nodeId: 'node-a' });
    const { status, type, samples } = await scrape(server);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    expect(valueOf(samples, 'parley_store_up')).toBe(1);
    expect(valueOf(samples, 'parley_bus_up')).toBe(1);
    expect(samples.filter((s) => s.name.startsWith('parley_')).every((s) => s.labels.node === 'node-a')).toBe(true);
    expect(samples.some((s) => s.name === 'parley_event_loop_delay_seconds' && s.labels.stat === 'p99')).toBe(true);
  });

  it('moves its counters when messages flow, with no room or user name in any label', async () => {
    server = await startTestServer({ maxMessageLength: 20 });
    const before = (await scrape(server)).samples;
    const ann = await hello(server, 'ann');
    const ben = await hello(server, 'ben');
    await request(ann, { type: 'join', room: 'secret-room' });
    await request(ben, { type: 'join', room: 'secret-room' });
    expect(await request(ann, { type: 'say', room: 'secret-room', text: 'hello ben' })).toMatchObject({ type: 'ack' });
    await ben.waitForJson((m) => m.type === 'message' && (m.message as { text: string }).text === 'hello ben');
    expect(await request(ann, { type: 'say', room: 'secret-room', text: 'x'.repeat(40) })).toMatchObject({ type: 'error', code: 'message_too_long' });
    const stale = await LineClient.open(server.tcpPort);
    clients.push(stale);
    expect(await request(stale, { type: 'hello', token: 'not-a-token' })).toMatchObject({ type: 'error', code: 'bad_token' });

    const after = (await scrape(server)).samples;
    const moved = (name: string, labels: Record<string, string> = {}): number => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved('parley_messages_accepted_total')).toBe(1);
    expect(moved('parley_messages_refused_total', { reason: 'message_too_long' })).toBe(1);
    expect(moved('parley_commands_refused_total', { command: 'say', reason: 'message_too_long' })).toBe(1);
    expect(moved('parley_sessions_opened_total', { door: 'tcp-json' })).toBe(3);
    expect(valueOf(after, 'parley_connections', { door: 'tcp-json' })).toBe(3);
    // ben got the message (ann's own copy is the ack); the joins were delivered too.
    expect(moved('parley_deliveries_total', { door: 'tcp-json' })).toBeGreaterThanOrEqual(1);
    expect(moved('parley_delivery_latency_seconds_count', { door: 'tcp-json' })).toBe(1);
    expect(moved('parley_message_store_seconds_count')).toBe(1);
    expect(moved('parley_store_commit_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(moved('parley_store_commit_duration_seconds_count', { result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(moved('parley_rooms')).toBeGreaterThanOrEqual(1);
    expect(moved('parley_resumes_total', { outcome: 'bad_token' })).toBe(1);
    const labelValues = after.flatMap((s) => Object.values(s.labels));
    for (const secret of ['secret-room', 'ann', 'ben', 'hello ben']) expect(labelValues).not.toContain(secret);

    ann.json({ type: 'quit', id: 'bye' });
    await ann.closed;
    const quit = (await scrape(server)).samples;
    expect(valueOf(quit, 'parley_disconnects_total', { door: 'tcp-json', code: 'quit' })).toBe(1);
    expect(valueOf(quit, 'parley_connections', { door: 'tcp-json' })).toBe(2);
  });

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    server = await startTestServer({ metricsToken: 'scrape-me' });
    const none = await fetch(`http://127.0.0.1:${server.httpPort}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await none.json()).error.code).toBe('bad_token');
    expect((await scrape(server, { authorization: 'Bearer scrape-m' })).status).toBe(401);
    expect((await scrape(server, { authorization: 'Basic scrape-me' })).status).toBe(401);
    const ok = await scrape(server, { authorization: 'Bearer scrape-me' });
    expect(ok.status).toBe(200);
    expect(valueOf(ok.samples, 'parley_store_up')).toBe(1);
  });
});
