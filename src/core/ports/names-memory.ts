import type { Names } from './names.js';

/** Names for a single process: a map. Nothing expires (the process is the only node). */
export class MemoryNames implements Names {
  readonly #owners = new Map<string, string>();

  async claim(key: string, owner: string): Promise<boolean> {
    const current = this.#owners.get(key);
    if (current !== undefined) return current === owner;
    this.#owners.set(key, owner);
    return true;
  }

  async release(key: string, owner: string): Promise<void> {
    if (this.#owners.get(key) === owner) this.#owners.delete(key);
  }

  async holder(key: string): Promise<string | null> {
    return this.#owners.get(key) ?? null;
  }

  /** A name cannot be lost in one process. */
  onLost(): () => void {
    return () => {};
  }

  async close(): Promise<void> {}
}
