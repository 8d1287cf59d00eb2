/**
 * The load generator: a separate process (pinned to its own CPU by the harness) that opens
 * clients, offers load and counts deliveries. Driven over the IPC channel (protocol.ts);
 * handles one request at a time and exits on `exit` or when the parent goes away.
 */
import type { BenchClient, ClientSpec, Role } from './client.js';
import { openFleet } from './fleet.js';
import { LatencyRecorder } from './latency.js';
import type { Endpoint, Request, Response, RoomPlan, SetupResult } from './protocol.js';
import { runStep, type Population } from './step.js';

const recorder = new LatencyRecorder();
let population: Population | null = null;
let nameSeq = 0;

function specsFor(endpoint: Endpoint, rooms: readonly RoomPlan[], timeoutMs: number): ClientSpec[] {
  const ports = endpoint.ports && endpoint.ports.length > 0 ? endpoint.ports : [endpoint.port];
  let receiverTurn = 0;
  let senderTurn = 0;
  const portFor = (role: Role): number => ports[(role === 'sender' ? senderTurn++ : receiverTurn++) % ports.length] ?? endpoint.port;
  const spec = (room: string, role: Role): ClientSpec => ({
    port: portFor(role),
    name: `${role[0]}${++nameSeq}`,
    room,
    role,
    defaultRoom: endpoint.defaultRoom ?? 'general',
    timeoutMs,
    observer: recorder,
  });
  const specs: ClientSpec[] = [];
  // Probes are spread evenly through each room's join order, so that they sample early and
  // late deliveries of a fan-out alike.
  for (const plan of rooms) {
    const probeAt = new Set(Array.from({ length: plan.probes }, (_, k) => Math.floor(((k + 0.5) * plan.receivers) / plan.probes)));
    for (let i = 0; i < plan.receivers; i++) specs.push(spec(plan.room, probeAt.has(i) ? 'probe' : 'receiver'));
  }
  for (const plan of rooms) for (let i = 0; i < plan.senders; i++) specs.push(spec(plan.room, 'sender'));
  return specs;
}

function populate(clients: BenchClient[]): Population {
  const receiversByRoom = new Map<string, number>();
  const receivers = clients.filter((c) => c.role !== 'sender');
  for (const c of receivers) receiversByRoom.set(c.room, (receiversByRoom.get(c.room) ?? 0) + 1);
  return { senders: clients.filter((c) => c.role === 'sender'), receivers, receiversByRoom, all: clients };
}

function teardown(): void {
  for (const client of population?.all ?? []) client.close();
  population = null;
}

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'setup':
    case 'idle': {
      teardown();
      const started = Date.now();
      const rooms: RoomPlan[] =
        request.op === 'setup'
          ? [...request.rooms]
          : Array.from({ length: Math.ceil(request.count / request.roomSize) }, (_, k) => ({
              room: `idle${k}`,
              receivers: Math.min(request.roomSize, request.count - k * request.roomSize),
              probes: 0,
              senders: 0,
            }));
      const specs = specsFor(request.endpoint, rooms, Math.min(request.timeoutMs, 30_000));
      // InspIRCd completes registrations on a one-second timer: open its clients wider.
      const concurrency = request.endpoint.dialect === 'irc' ? Math.max(request.concurrency, 500) : request.concurrency;
      const clients = await openFleet(request.endpoint.dialect, specs, concurrency, request.timeoutMs);
      population = populate(clients);
      const result: SetupResult = { connected: clients.length, ms: Date.now() - started };
      return result;
    }
    case 'step':
      if (!population) throw new Error('step before setup');
      return runStep(population, request, recorder);
    case 'teardown':
      teardown();
      return { closed: true };
    case 'exit':
      teardown();
      setTimeout(() => process.exit(0), 50);
      return { exiting: true };
  }
}

function reply(response: Response): void {
  process.send?.(response);
}

if (!process.send) {
  process.stderr.write('bench generator: must be started by the harness with an IPC channel\n');
  process.exit(2);
}

let queue: Promise<void> = Promise.resolve();
process.on('message', (message: Request) => {
  queue = queue.then(async () => {
    try {
      reply({ id: message.id, ok: true, result: await handle(message) });
    } catch (error) {
      reply({ id: message.id, ok: false, error: (error as Error).message });
    }
  });
});
process.on('disconnect', () => {
  teardown();
  process.exit(0);
});
