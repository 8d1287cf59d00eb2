import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatRound, formatTotals, runChaos } from './run.js';

const USAGE = `Usage: npm run chaos -- [--rounds N] [--clients N] [--messages N] [--seed S] [--no-sigterm]
  --rounds N      kill -9 rounds (default 5); a SIGTERM round follows
  --clients N     JSON-lines clients (default 8)
  --messages N    messages each client plans per round (default 400)
  --rooms N       rooms the messages go to (default 3)
  --window N      unanswered requests per client at a time (default 16)
  --stop-at A-B   stop the server once A% to B% of the round's messages are acked (default 5-95)
  --retries N     acked messages per client sent again after each restart, same id (default 5)
  --seed S        seed of the random choices (default: from the clock, printed)
  --no-sigterm    skip the SIGTERM round
Exit status: 0 when every check held, 1 on any violation, 2 on a usage error.`;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '8' },
    messages: { type: 'string', default: '400' },
    rooms: { type: 'string', default: '3' },
    window: { type: 'string', default: '16' },
    'stop-at': { type: 'string', default: '5-95' },
    retries: { type: 'string', default: '5' },
    seed: { type: 'string' },
    'no-sigterm': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

function count(name: string, raw: string | undefined, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`chaos: --${name} must be a whole number from ${min} to ${max}\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const range = /^(\d+)-(\d+)$/.exec(values['stop-at'] ?? '');
if (!range || Number(range[1]) > Number(range[2]) || Number(range[2]) > 100) {
  process.stderr.write(`chaos: --stop-at wants A-B in percent, A <= B <= 100\n${USAGE}\n`);
  process.exit(2);
}

const report = await runChaos({
  // This file runs as dist/bench/chaos/main.js; the server is the same build's CLI.
  cli: fileURLToPath(new URL('../../src/cli.js', import.meta.url)),
  rounds: count('rounds', values.rounds, 1, 1000),
  sigterm: !values['no-sigterm'],
  clients: count('clients', values.clients, 1, 500),
  messages: count('messages', values.messages, 1, 100_000),
  rooms: count('rooms', values.rooms, 1, 50),
  window: count('window', values.window, 1, 1000),
  stopAtShare: [Number(range[1]) / 100, Number(range[2]) / 100],
  retriesPerClient: count('retries', values.retries, 0, 1000),
  timeoutMs: 30_000,
  seed: values.seed === undefined ? Date.now() % 2 ** 31 : count('seed', values.seed, 0, 2 ** 31),
  onRound: (round) => process.stdout.write(`${formatRound(round)}\n`),
});
process.stdout.write(`${formatTotals(report)}\n`);
process.exitCode = report.violations === 0 ? 0 : 1;
