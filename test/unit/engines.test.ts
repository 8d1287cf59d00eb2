import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// semver comes with npm's own dependency tree here (via better-sqlite3's installer); it is
// the parser npm uses for the same check.
const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean };

interface LockEntry {
  readonly engines?: { readonly node?: string } | readonly string[];
  readonly dev?: boolean;
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };

describe('npm install on the oldest supported Node', () => {
  // The lowest version package.json accepts; `npm install` warns EBADENGINE for any locked
  // package that does not accept it.
  const oldest = (manifest.engines.node.match(/\d+\.\d+(\.\d+)?/)?.[0] ?? '').replace(/^(\d+\.\d+)$/, '$1.0');

  it('installs no package that declares a newer Node than the one we support', () => {
    expect(oldest).toMatch(/^20\./);
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : (entry.engines as { node?: string } | undefined)?.node;
        return range !== undefined && !semver.satisfies(oldest, range) ? [`${path} wants node ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });
});
