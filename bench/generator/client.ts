/** What the step runner needs of any client, whatever its dialect. */
export type Role = 'receiver' | 'probe' | 'sender';

export interface BenchClient {
  readonly role: Role;
  readonly room: string;
  /** Chat lines (or events) received since the connection opened; the step uses differences. */
  received(): number;
  closed(): boolean;
  /** Sends one chat message to the client's room. */
  send(text: string): void;
  close(): void;
}

/** Sink for what probes observe. */
export interface Observer {
  observe(text: string): void;
}

export interface ClientSpec {
  readonly port: number;
  readonly name: string;
  readonly room: string;
  readonly role: Role;
  readonly defaultRoom: string;
  readonly timeoutMs: number;
  readonly observer: Observer;
}
