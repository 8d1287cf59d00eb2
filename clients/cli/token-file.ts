import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Target } from './target.js';
import { formatTarget } from './link.js';

/**
 * The login tokens `parley connect` remembers, one per server (host:port), in
 * `$XDG_CONFIG_HOME/parley/tokens.json` (else `~/.config/parley/tokens.json`).
 *
 * A token is a password-equivalent for its 30 days, so the file is created 0600 inside a 0700
 * directory, and written by rename from a temporary file made 0600 before anything is in it:
 * no moment exists when another user could read a token. A file found with wider permissions
 * is narrowed on the next write. A file that cannot be parsed is treated as empty (and then
 * replaced): losing a saved login only means asking for the password again.
 */
export interface SavedLogin {
  readonly name: string;
  readonly token: string;
}

const FileSchema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), z.object({ name: z.string(), token: z.string().min(1) })),
});
type TokensFile = z.infer<typeof FileSchema>;

export const TOKEN_FILE_NAME = 'tokens.json';

/** `$XDG_CONFIG_HOME/parley` when set to an absolute path (as the XDG spec asks), else `~/.config/parley`. */
export function configDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg !== undefined && xdg.startsWith('/')) return join(xdg, 'parley');
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  return join(home, '.config', 'parley');
}

export class TokenFile {
  readonly path: string;
  readonly #dir: string;
  readonly #key: string;

  constructor(dir: string, target: Target) {
    this.#dir = dir;
    this.path = join(dir, TOKEN_FILE_NAME);
    this.#key = formatTarget(target).toLowerCase();
  }

  /** The login saved for this server, if any. */
  load(): SavedLogin | null {
    return this.#read().servers[this.#key] ?? null;
  }

  save(login: SavedLogin): void {
    const file = this.#read();
    this.#write({ ...file, servers: { ...file.servers, [this.#key]: { name: login.name, token: login.token } } });
  }

  /** Forgets this server's login; other servers' logins stay. */
  forget(): void {
    const file = this.#read();
    if (!(this.#key in file.servers)) return;
    const servers = { ...file.servers };
    delete servers[this.#key];
    this.#write({ ...file, servers });
  }

  #read(): TokensFile {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, servers: {} };
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (error instanceof SyntaxError) return { version: 1, servers: {} };
      throw error;
    }
    const parsed = FileSchema.safeParse(value);
    return parsed.success ? parsed.data : { version: 1, servers: {} };
  }

  #write(file: TokensFile): void {
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    // mode applies only when the file is created; the chmod covers a leftover temporary file.
    writeFileSync(temporary, '', { mode: 0o600 });
    chmodSync(temporary, 0o600);
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
  }
}
