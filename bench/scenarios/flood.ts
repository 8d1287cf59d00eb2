import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sampleProcess } from '../lib/procstat.js';
import { HOST, sleep } from '../lib/ports.js';
import { summarize, type LatencySummary } from '../lib/stats.js';
import type { ScenarioResult, SkipRecord } from '../report/result.js';
import { pickSubjects } from '../targets/registry.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { withSubject } from './with-subject.js';

/**
 * Issue 10 section 4: N clients chat at a steady rate (JSON lines over TCP) while, in the second
 * phase, one text-mode client floods the same room as fast as its socket takes lines (and
 * reconnects whenever it is cut). Reported: the chatters' p99 in both phases and the ratio,
 * the server's CPU, and what became of the flooder. Flood control on, at its defaults.
 */
export interface FloodPhase {
  readonly phase: 'quiet' | 'flood';
  readonly latencyMs: LatencySummary;
  readonly serverCpuPct: number;
  /** Lines the flooder got written (and the server read). */
  readonly flooderLinesWritten: number;
  /** Flooder messages the chatters received per second (what got through the pacing). */
  readonly flooderDeliveredPerS: number;
  readonly flooderDisconnects: number;
  readonly chattersDisconnected: number;
}

const SUBJECT = 'parley-tcp';

class JsonClient {
  readonly socket: Socket;
  #partial = '';
  closed = false;

  private constructor(socket: Socket, onMessage: (message: { author: string; text: string }) => void) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const lines = (this.#partial + chunk).split('\n');
      this.#partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{"type":"message"')) continue;
        const parsed = JSON.parse(line) as { message?: { author: string; text: string } };
        if (parsed.message) onMessage(parsed.message);
      }
    });
    socket.on('error', () => undefined); // a cut chatter is counted by `closed`, below
    socket.on('close', () => (this.closed = true));
  }

  static open(port: number, name: string, onMessage: (message: { author: string; text: string }) => void): Promise<JsonClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, HOST, () => {
        const client = new JsonClient(socket, onMessage);
        socket.write(`${JSON.stringify({ type: 'hello', name, id: 'h' })}\n`);
        resolve(client);
      });
      socket.once('error', reject);
    });
  }

  say(text: string): void {
    if (!this.closed) this.socket.write(`${JSON.stringify({ type: 'say', room: 'general', text })}\n`);
  }
}

/** The flooder process (flooder-main.ts), pinned beside the load generator; its counts come on SIGTERM. */
class Flooder {
  written = 0;
  disconnects = 0;
  readonly #child: ChildProcess;
  readonly #report: Promise<string>;

  constructor(port: number, cpu: number | null) {
    const script = fileURLToPath(new URL('./flooder-main.js', import.meta.url));
    const [file, args] = cpu === null ? [process.execPath, [script, String(port)]] : ['taskset', ['-c', String(cpu), process.execPath, script, String(port)]];
    this.#child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    this.#child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    this.#report = new Promise((resolve) => this.#child.once('exit', () => resolve(out)));
  }

  async stop(): Promise<void> {
    this.#child.kill('SIGTERM');
    const out = await this.#report;
    const counts = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { written?: number; disconnects?: number };
    this.written = counts.written ?? 0;
    this.disconnects = counts.disconnects ?? 0;
  }
}

export const flood: Scenario = {
  name: 'flood',
  title: 'One flooder among steady chatters',
  async run(context: ScenarioContext): Promise<ScenarioResult> {
    const chatters = context.quick ? 20 : 100;
    const perChatterRate = 1; // messages per second each
    const phaseMs = context.quick ? 4000 : 15_000;
    const phases: FloodPhase[] = [];
    const skips: SkipRecord[] = [];
    // Flood control on (the bench turns it off for the throughput scenarios); --parley-env
    // FLOOD_CONTROL=false runs the same scenario unprotected, for comparison.
    const floodContext = { ...context, parleyEnv: { FLOOD_CONTROL: 'true', ...context.parleyEnv } };
    for (const subject of pickSubjects([SUBJECT], context.servers)) {
      const outcome = await withSubject(subject, floodContext, async (server) => {
        const port = server.endpoint.port;
        let samples: number[] = [];
        let fromFlooder = 0;
        const clients: JsonClient[] = [];
        for (let i = 0; i < chatters; i++) {
          const name = `chat${i}`;
          clients.push(
            await JsonClient.open(port, name, (message) => {
              if (message.author.startsWith('flooder')) return void fromFlooder++;
              const sent = /^t(\d+) /.exec(message.text);
              if (sent && message.author !== name) samples.push(Date.now() - Number(sent[1]));
            }),
          );
        }
        await sleep(1000);
        const runPhase = async (phase: 'quiet' | 'flood'): Promise<FloodPhase> => {
          samples = [];
          fromFlooder = 0;
          const flooder = phase === 'flood' ? new Flooder(port, context.pinning.generatorCpu) : null;
          const before = sampleProcess(server.pid);
          const started = Date.now();
          // Each chatter sends perChatterRate per second, spread evenly over the clients.
          const tickMs = 1000 / (chatters * perChatterRate);
          let next = 0;
          while (Date.now() - started < phaseMs) {
            clients[next % chatters]?.say(`t${Date.now()} ${'y'.repeat(80)}`);
            next++;
            await sleep(tickMs);
          }
          await sleep(1000); // the last messages arrive
          const after = sampleProcess(server.pid);
          await flooder?.stop();
          const seconds = (Date.now() - started) / 1000;
          const row: FloodPhase = {
            phase,
            latencyMs: summarize(samples),
            serverCpuPct: Math.round((((after?.cpuSeconds ?? 0) - (before?.cpuSeconds ?? 0)) / seconds) * 1000) / 10,
            flooderLinesWritten: flooder?.written ?? 0,
            // Each flooder message reaches every chatter: per message, divide by the chatters.
            flooderDeliveredPerS: Math.round((fromFlooder / chatters / seconds) * 10) / 10,
            flooderDisconnects: flooder?.disconnects ?? 0,
            chattersDisconnected: clients.filter((c) => c.closed).length,
          };
          context.progress.line(
            `  ${phase}: p50 ${row.latencyMs.p50} p99 ${row.latencyMs.p99} max ${row.latencyMs.max} ms (${row.latencyMs.samples} samples), ` +
              `server ${row.serverCpuPct}% cpu, flooder wrote ${row.flooderLinesWritten} lines, ${row.flooderDeliveredPerS} msg/s got through, cut ${row.flooderDisconnects} times`,
          );
          return row;
        };
        try {
          phases.push(await runPhase('quiet'));
          await sleep(1000);
          phases.push(await runPhase('flood'));
        } finally {
          for (const client of clients) client.socket.destroy();
        }
      });
      if (!outcome.ok) skips.push(outcome.skip);
    }
    const quiet = phases.find((p) => p.phase === 'quiet')?.latencyMs.p99 ?? null;
    const flooded = phases.find((p) => p.phase === 'flood')?.latencyMs.p99 ?? null;
    const ratio = quiet !== null && flooded !== null && quiet > 0 ? Math.round((flooded / quiet) * 100) / 100 : null;
    if (ratio !== null) context.progress.line(`  p99 flood / quiet = ${ratio} (pass at most 2)`);
    return {
      name: 'flood',
      title: 'One flooder among steady chatters',
      params: { chatters, perChatterRate, phaseMs, subject: SUBJECT },
      skips,
      notes: [
        `Chatters' p99 with the flooder / without: ${ratio ?? 'n/a'} (the issue asks at most 2).`,
        ...phases.map((p) => `${p.phase}: ${JSON.stringify(p)}`),
      ],
    };
  },
};
