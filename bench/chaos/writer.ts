import { JsonLineClient, type Reply } from './json-client.js';
import type { Ledger, Planned } from './ledger.js';

/** How one connection's pumping ended. */
export interface PumpOutcome {
  /** The server said goodbye. */
  readonly bye: boolean;
  /** Requests sent but not answered when `bye` arrived (or when the connection closed). */
  readonly unanswered: string[];
  /** Answers that arrived after `bye`: the protocol puts every answer before it. */
  readonly answersAfterBye: number;
  /** Error answers by code (e.g. shutting_down). */
  readonly errors: Map<string, number>;
  /** Non-JSON lines after the first reply. */
  readonly garbage: number;
}

export interface WriterOptions {
  readonly name: string;
  readonly rooms: readonly string[];
  readonly port: number;
  readonly timeoutMs: number;
}

/**
 * One chaos client: names itself, joins its rooms, then sends planned messages with at most
 * `window` unanswered at a time, recording every ack in the ledger. It stops when everything
 * is answered, the connection closes, or the deadline passes.
 */
export class ChaosWriter {
  private constructor(
    readonly options: WriterOptions,
    readonly client: JsonLineClient,
  ) {}

  static async connect(options: WriterOptions): Promise<ChaosWriter> {
    const client = await JsonLineClient.open(options.port, options.timeoutMs);
    const writer = new ChaosWriter(options, client);
    try {
      const welcome = await client.request({ type: 'hello', name: options.name, id: 'hello' }, options.timeoutMs);
      if (welcome.type !== 'welcome') throw new Error(`${options.name}: hello answered ${JSON.stringify(welcome)}`);
      for (const room of options.rooms) {
        const joined = await client.request({ type: 'join', room, id: `join-${room}` }, options.timeoutMs);
        if (joined.type !== 'joined') throw new Error(`${options.name}: join ${room} answered ${JSON.stringify(joined)}`);
      }
    } catch (error) {
      client.close();
      throw error;
    }
    return writer;
  }

  /**
   * Sends `queue` and resolves when all is answered, or with `untilClosed` only when the
   * connection closes (to watch for `bye` after the queue is done); always by `deadlineMs`.
   */
  pump(queue: readonly Planned[], window: number, ledger: Ledger, deadlineMs: number, untilClosed = false): Promise<PumpOutcome> {
    const client = this.client;
    const inFlight = new Set<string>();
    const errors = new Map<string, number>();
    let next = 0;
    let bye = false;
    let unansweredAtBye: string[] | null = null;
    let answersAfterBye = 0;

    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        client.onReply = () => undefined;
        resolve({ bye, unanswered: unansweredAtBye ?? [...inFlight], answersAfterBye, errors, garbage: client.garbage.length });
      };
      const timer = setTimeout(finish, deadlineMs);
      const fill = (): void => {
        while (!bye && inFlight.size < window && next < queue.length) {
          const message = queue[next++];
          if (!message) break;
          if (!client.send({ type: 'say', room: message.room, text: message.text, id: message.id })) return;
          inFlight.add(message.id);
        }
        if (!untilClosed && inFlight.size === 0 && next >= queue.length) finish();
      };
      client.onReply = (reply: Reply) => {
        if (reply.type === 'bye') {
          bye = true;
          unansweredAtBye = [...inFlight];
          return;
        }
        if (typeof reply.re !== 'string' || !inFlight.has(reply.re)) return;
        if (bye) answersAfterBye++;
        inFlight.delete(reply.re);
        if (reply.type === 'ack' && reply.message) {
          ledger.ack(reply.re, { room: reply.message.room, seq: reply.message.seq, messageId: reply.message.id });
        } else {
          const code = reply.code ?? reply.type;
          errors.set(code, (errors.get(code) ?? 0) + 1);
        }
        fill();
      };
      void client.closed.then(finish);
      fill();
    });
  }

  close(): void {
    this.client.close();
  }
}
