/** The harness's side of the generator: starts the process and sends it requests. */
import { fileURLToPath } from 'node:url';
import { spawnPinned, type Managed } from '../lib/proc.js';
import type { Request, Response, SetupResult, StepResult } from './protocol.js';

type Body<R extends Request> = R extends unknown ? Omit<R, 'id'> : never;

export class GeneratorHandle {
  readonly #process: Managed;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  #nextId = 1;

  private constructor(process: Managed) {
    this.#process = process;
    process.child.on('message', (message: Response) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new Error(message.error));
    });
    process.child.on('exit', (code) => {
      for (const [id, pending] of this.#pending) {
        clearTimeout(pending.timer);
        pending.reject(new Error(`generator exited (${code}) during request ${id}: ${process.tail().slice(-500)}`));
      }
      this.#pending.clear();
    });
  }

  static start(cpu: number | null): GeneratorHandle {
    const main = fileURLToPath(new URL('./main.js', import.meta.url));
    return new GeneratorHandle(spawnPinned('generator', process.execPath, [main], { cpu, ipc: true }));
  }

  get pid(): number {
    return this.#process.pid;
  }

  request(body: Body<Request>, timeoutMs: number): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`generator did not answer ${body.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#process.child.send({ ...body, id } as Request);
    });
  }

  async setup(body: Extract<Body<Request>, { op: 'setup' | 'idle' }>): Promise<SetupResult> {
    return (await this.request(body, body.timeoutMs + 10_000)) as SetupResult;
  }

  async step(body: Extract<Body<Request>, { op: 'step' }>): Promise<StepResult> {
    return (await this.request(body, body.durationMs + body.drainMs + 30_000)) as StepResult;
  }

  async teardown(): Promise<void> {
    await this.request({ op: 'teardown' }, 30_000);
  }

  async stop(): Promise<void> {
    if (!this.#process.alive()) return;
    try {
      await this.request({ op: 'exit' }, 5000);
    } catch (error) {
      // It did not exit by itself (busy or already gone): stop() below ends it by pid.
      process.stderr.write(`generator did not exit when asked: ${(error as Error).message}\n`);
    }
    await this.#process.stop(3000);
  }
}
