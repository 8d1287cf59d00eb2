import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, listTokens, revokeToken, TokenCommandError, type Output } from '../../src/cli-token.js';
import { ConfigSchema } from '../../src/config.js';
import { MemoryStore } from '../../src/store/memory.js';
import { openIdentity } from '../../src/server.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/process.js';

/**
 * `parley token create|list|revoke` as real processes beside a real `parley serve` on the same
 * DATA_DIR (needs `npm run build`). The server and the command share the store and the token
 * secret (DATA_DIR/token-secret in development), so a token the command prints posts at once.
 */

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Ran> {
  const child = runCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`parley ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-token-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('parley token beside a running server', () => {
  let server: ServerProcess;
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { DATA_DIR: dataDir() };
    server = await startServerProcess({ ...env, CONSOLE: '0' });
  }, 30_000);
  afterAll(async () => {
    if (server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  const post = (token: string, text: string) =>
    fetch(`http://127.0.0.1:${server.httpPort}/api/rooms/general/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ text }),
    });

  it('create prints only the token, which posts as the bot; list never shows it; revoke stops it', async () => {
    const made = await cli(['token', 'create', 'deploy-bot', '--label', 'ci on main'], env);
    expect(made.code, made.stderr).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const id = /Token (\S+) for the bot "deploy-bot"/.exec(made.stderr)?.[1];
    expect(id).toBeDefined();

    const posted = await post(token, 'deployed by the CLI token');
    expect(posted.status).toBe(201);
    expect(await posted.json()).toMatchObject({ message: { author: 'deploy-bot', text: 'deployed by the CLI token', account: expect.any(String) } });

    const listed = await cli(['token', 'list', 'Deploy-Bot'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\tdeploy-bot\\t\\d{4}-\\d\\d-\\d\\dT[^\\t]+\\tci on main$`, 'm'));
    expect(listed.stdout + listed.stderr).not.toContain(token);

    const revoked = await cli(['token', 'revoke', id ?? ''], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    const refused = await post(token, 'after revoking');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'bad_token' } });
  }, 60_000);

  it("refuses a registered person's name and an unknown name to list, in one line with exit 2", async () => {
    const base = `http://127.0.0.1:${server.httpPort}`;
    const reg = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'alice', password: 'correct horse battery' }) });
    expect(reg.status).toBe(201);
    const taken = await cli(['token', 'create', 'ALICE'], env);
    expect(taken.code).toBe(2);
    expect(taken.stdout).toBe('');
    expect(taken.stderr).toMatch(/^parley: .*registered.*\n$/);
    const unknown = await cli(['token', 'list', 'nobody'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^parley: no account or bot is called "nobody"\.\n$/);
  }, 60_000);
});

describe('the token commands on a store that keeps accounts (in process, MemoryStore)', () => {
  function capture(): Output & { outLines: string[]; errLines: string[] } {
    const outLines: string[] = [];
    const errLines: string[] = [];
    return { outLines, errLines, out: (line) => outLines.push(line), err: (line) => errLines.push(line) };
  }

  it('create prints the token once (stdout) and its id (stderr); list shows ids, never tokens; revoke ends it', async () => {
    const store = new MemoryStore();
    const open = async () => store;
    const config = ConfigSchema.parse({ dataDir: dataDir() });
    // What the server would use to check a token: the same store and the same secret (DATA_DIR/token-secret).
    const server = openIdentity(config, store);
    if (server === undefined) throw new Error('the memory store keeps accounts');

    const made = capture();
    await createToken(config, 'Deploy-Bot', 'ci on main', made, open);
    expect(made.outLines).toHaveLength(1);
    const token = made.outLines[0] ?? '';
    const id = /Token (\S+) for the bot "Deploy-Bot"/.exec(made.errLines.join('\n'))?.[1] ?? '';
    const checked = await server.authenticate(token);
    expect(checked).toMatchObject({ ok: true, value: { account: { name: 'Deploy-Bot', kind: 'bot', ownerId: null }, tokenId: id } });

    const listed = capture();
    await listTokens(config, 'deploy-bot', listed, open);
    expect(listed.outLines).toEqual([expect.stringMatching(new RegExp(`^${id}\tDeploy-Bot\t\\d{4}-[^\t]+\tci on main$`))]);
    expect([...listed.outLines, ...listed.errLines].join('\n')).not.toContain(token);

    await revokeToken(config, id, capture(), open);
    expect(await server.authenticate(token)).toMatchObject({ ok: false, error: { code: 'bad_token' } });
  });

  it("refuses a person's name and lists nothing for an unknown name, as one-line refusals", async () => {
    const store = new MemoryStore();
    const open = async () => store;
    const config = ConfigSchema.parse({ dataDir: dataDir() });
    const server = openIdentity(config, store);
    expect(await server?.register('alice', 'correct horse battery')).toMatchObject({ ok: true });
    const out = capture();
    await expect(createToken(config, 'ALICE', '', out, open)).rejects.toThrow(TokenCommandError);
    expect(out.outLines).toEqual([]);
    await expect(listTokens(config, 'nobody', capture(), open)).rejects.toThrow(/no account or bot is called "nobody"/);
  });
});
