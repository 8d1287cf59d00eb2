// PLACEHOLDER until the web door lands: keeps server.ts compiling. Replaced by the web issue.
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Chat } from '../../core/chat.js';
import type { Store } from '../../store/store.js';

export interface WebGatewayDeps {
  readonly chat: Chat;
  readonly store: Store;
  readonly config: Config;
  readonly logger: Logger;
}

export interface WebGateway {
  readonly port: number;
  close(): Promise<void>;
}

export async function startWebGateway(_deps: WebGatewayDeps): Promise<WebGateway> {
  return { port: 0, close: async () => {} };
}
