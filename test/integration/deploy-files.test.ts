import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV_NAMES, loadConfig } from '../../src/config.js';
import {
  ROOT,
  composeServices,
  dockerEnv,
  dockerHealthcheck,
  dockerInstructions,
  envFileSettings,
  interpolate,
  parseSystemdUnit,
  repoFile,
  systemdEnvironment,
} from '../helpers/deploy-files.js';

/**
 * The deployment files (Dockerfile, compose.yaml, deploy/parley.service, deploy/*.env) cannot be
 * run here: no container engine, no systemd as PID 1. This checks what they rely on instead:
 * every variable they set is a Parley setting with a valid value, the files the image copies
 * exist, the nginx file compose mounts is the tested recipe and passes `nginx -t`, and the unit
 * passes `systemd-analyze verify`. (The health check runs in deploy-healthcheck.test.ts.)
 */

const SETTINGS = new Set(Object.values(ENV_NAMES));
const NO_DOTENV = join(tmpdir(), 'parley-no-such-dotenv');
const SAMPLE_SECRETS = { JWT_SECRET: 'a-sample-secret-of-32-characters', POSTGRES_PASSWORD: '0123456789abcdef' };

const dockerfile = dockerInstructions(repoFile('Dockerfile'));
const imageEnv = dockerEnv(dockerfile);
const services = composeServices(repoFile('compose.yaml'));
const parleyServices = Object.entries(services).filter(([, service]) => service.build === '.');

function notSettings(names: Iterable<string>): string[] {
  return [...names].filter((name) => !SETTINGS.has(name));
}

function instructionArgs(keyword: string): string[] {
  return dockerfile.filter((i) => i.keyword === keyword).map((i) => i.args);
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-deploy-'));
  dirs.push(dir);
  return dir;
}

describe('Dockerfile', () => {
  it('builds on node:20-bookworm (npm ci, build, prune) and runs on node:20-bookworm-slim', () => {
    const version = /^NODE_VERSION=(\S+)$/.exec(instructionArgs('ARG')[0] ?? '')?.[1];
    expect(version).toBe('20');
    const stages = instructionArgs('FROM').map((from) => from.replace('${NODE_VERSION}', version ?? ''));
    expect(stages).toEqual(['node:20-bookworm AS build', 'node:20-bookworm-slim']);
    const build = instructionArgs('RUN').join('\n');
    for (const step of ['npm ci', 'npm rebuild better-sqlite3', 'npm run build', 'npm prune --omit=dev']) expect(build).toContain(step);
  });

  it('sets only Parley settings, and they load as a valid production config', () => {
    expect(notSettings(Object.keys(imageEnv))).toEqual([]);
    const config = loadConfig({}, { ...imageEnv, JWT_SECRET: SAMPLE_SECRETS.JWT_SECRET }, NO_DOTENV);
    expect(config.nodeEnv).toBe('production');
    expect(config.console).toBe(false);
    expect(instructionArgs('VOLUME')).toEqual([config.dataDir]);
    expect(instructionArgs('EXPOSE')).toEqual([`${config.port} ${config.tcpPort}`]);
  });

  it('runs the parley CLI as a non-root user under tini', () => {
    const users = instructionArgs('USER');
    expect(users).toHaveLength(1);
    expect(['root', '0']).not.toContain(users[0]);
    const entrypoint: unknown = JSON.parse(instructionArgs('ENTRYPOINT')[0] ?? 'null');
    const packageJson = JSON.parse(repoFile('package.json')) as { bin: { parley: string } };
    expect(entrypoint).toEqual(['/usr/bin/tini', '--', 'node', packageJson.bin.parley]);
    expect(instructionArgs('RUN').some((run) => /apt-get install .*\btini\b/.test(run))).toBe(true);
    expect(instructionArgs('CMD')).toEqual(['["serve"]']);
    expect(dockerHealthcheck(dockerfile).join(' ')).toContain('/api/health/ready');
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const ignore = repoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    // An allow-list: everything is ignored, then the named top-level entries are let through.
    expect(ignore[0]).toBe('*');
    const allowed = new Set(ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1)));
    const sources = instructionArgs('COPY')
      .filter((args) => !args.startsWith('--from='))
      .flatMap((args) => args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(allowed.has(source.split('/')[0] ?? ''), `${source} passes .dockerignore`).toBe(true);
    }
    expect(allowed.has('.env')).toBe(false);
    expect(allowed.has('data')).toBe(false);
  });
});

describe('compose.yaml', () => {
  it('runs three Parley nodes with distinct NODE_IDs from the Dockerfile image', () => {
    expect(parleyServices.map(([name]) => name)).toEqual(['parley1', 'parley2', 'parley3']);
    const ids = parleyServices.map(([, service]) => service.environment?.NODE_ID);
    expect(new Set(ids).size).toBe(3);
  });

  it('sets only Parley settings on the nodes, and they load as a valid config with the secrets from .env', () => {
    for (const [name, service] of parleyServices) {
      const files = [service.env_file ?? []].flat();
      expect(files.length, name).toBeGreaterThan(0);
      const fromFiles = Object.assign({}, ...files.map((file) => envFileSettings(repoFile(file)).active)) as Record<string, string>;
      const fromCompose = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), SAMPLE_SECRETS)]));
      expect(notSettings([...Object.keys(fromFiles), ...Object.keys(fromCompose)]), name).toEqual([]);
      // Compose refuses to start without the secrets.
      expect(() => interpolate(String(service.environment?.JWT_SECRET), {})).toThrow(/JWT_SECRET/);
      const config = loadConfig({}, { ...imageEnv, ...fromFiles, ...fromCompose }, NO_DOTENV);
      expect(config.databaseUrl).toBe(`postgres://parley:${SAMPLE_SECRETS.POSTGRES_PASSWORD}@postgres:5432/parley`);
      expect(config.redisUrl).toBe('redis://redis:6379');
      expect(config.nodeId).toBe(name);
    }
  });

  it('starts the nodes once PostgreSQL and Redis are healthy, and nginx once the nodes are', () => {
    for (const dependency of ['postgres', 'redis']) expect(services[dependency]?.healthcheck?.test, dependency).toBeDefined();
    for (const [name, service] of parleyServices) {
      expect(service.depends_on, name).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
    expect(services.nginx?.depends_on).toEqual(Object.fromEntries(parleyServices.map(([name]) => [name, { condition: 'service_healthy' }])));
  });

  it("gives nginx the generated recipe, whose upstreams are the nodes on the image's ports, in Debian's nginx with the stream module", () => {
    const nginx = services.nginx;
    expect(nginx?.volumes).toContain('./deploy/nginx.compose.conf:/etc/nginx/nginx.conf:ro');
    expect(JSON.stringify(nginx?.build)).toMatch(/libnginx-mod-stream/);
    const conf = repoFile('deploy/nginx.compose.conf');
    const listening = [...conf.matchAll(/^\s*listen (\d+);/gm)].map((m) => m[1]);
    expect(nginx?.ports).toEqual(listening.map((port) => `${port}:${port}`));
    const upstreams = [...conf.matchAll(/^\s*server (\S+):(\d+) /gm)].map((m) => `${m[1]}:${m[2]}`);
    const nodes = parleyServices.map(([name]) => name);
    expect(upstreams).toEqual([...nodes.map((n) => `${n}:${imageEnv.PORT}`), ...nodes.map((n) => `${n}:${imageEnv.TCP_PORT}`)]);
  });
});

describe('deploy/nginx.compose.conf', () => {
  const generated = repoFile('deploy/nginx.compose.conf');

  it('is what deploy/nginx-compose-conf.sh makes of deploy/nginx.conf now', () => {
    const output = execFileSync('sh', [join(ROOT, 'deploy/nginx-compose-conf.sh')], { encoding: 'utf8' });
    expect(output).toBe(generated);
  });

  it('differs from deploy/nginx.conf only in the node addresses (and its banner)', () => {
    const original = repoFile('deploy/nginx.conf').split('\n');
    const body = generated.split('\n').filter((line) => !line.startsWith('# GENERATED') && !line.startsWith('# For compose.yaml'));
    expect(body).toHaveLength(original.length);
    const changed = original.flatMap((line, i) => (line === body[i] ? [] : [[line.trim(), body[i]?.trim()]]));
    expect(changed).toHaveLength(6);
    for (const [before, after] of changed) {
      expect(before).toMatch(/^server 127\.0\.0\.1:[34]00[1-3] max_fails=1 fail_timeout=5s;$/);
      expect(after).toBe(before?.replace(/127\.0\.0\.1:([34])00([1-3])/, 'parley$2:$1000'));
    }
  });

  const NGINX = '/usr/sbin/nginx';
  const noNginx = !existsSync(NGINX) || !existsSync('/usr/lib/nginx/modules/ngx_stream_module.so');
  if (noNginx) console.warn('Skipping nginx -t of deploy/nginx.compose.conf: nginx is not installed (apt-get install nginx libnginx-mod-stream)');

  it.skipIf(noNginx)('passes nginx -t (node names pointed at 127.0.0.1: this machine cannot resolve compose services)', () => {
    const dir = tempDir();
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, generated.replace(/server parley[1-3]:/g, 'server 127.0.0.1:'));
    const run = spawnSync(NGINX, ['-t', '-c', conf, '-p', dir, '-g', `pid ${join(dir, 'nginx.pid')};`], { encoding: 'utf8' });
    expect(run.stderr).toContain('syntax is ok');
    expect(run.status, run.stderr).toBe(0);
  });
});

describe('deploy/parley.service', () => {
  const unit = parseSystemdUnit(repoFile('deploy/parley.service'));
  const service = unit.sections.Service ?? {};
  const one = (key: string): string | undefined => {
    expect(service[key], key).toHaveLength(1);
    return service[key]?.[0];
  };

  it('sets only Parley settings, and with its environment file they load as a valid config', () => {
    const env = systemdEnvironment(unit);
    expect(one('EnvironmentFile')).toBe('/etc/parley/parley.env');
    const file = envFileSettings(repoFile('deploy/parley.env')).active;
    expect(notSettings([...Object.keys(env), ...Object.keys(file)])).toEqual([]);
    // The example leaves JWT_SECRET to the operator; a production node refuses to start without it.
    expect(file.JWT_SECRET).toBe('');
    const config = loadConfig({}, { ...env, ...file, JWT_SECRET: SAMPLE_SECRETS.JWT_SECRET }, NO_DOTENV);
    expect(config.nodeEnv).toBe('production');
    expect(config.console).toBe(false);
    expect(config.dataDir).toBe(`/var/lib/${one('StateDirectory')}`);
    expect(one('ReadWritePaths')).toBe(config.dataDir);
  });

  it('restarts on failure, as a dedicated user, hardened', () => {
    expect(one('Restart')).toBe('on-failure');
    expect(['root', '0', undefined]).not.toContain(one('User'));
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ExecStart')).toMatch(/ \/opt\/parley\/dist\/src\/cli\.js serve$/);
  });

  const noSystemd = spawnSync('systemd-analyze', ['--version']).status !== 0;
  if (noSystemd) console.warn('Skipping systemd-analyze verify of deploy/parley.service: systemd-analyze is not installed (Debian: systemd)');

  it.skipIf(noSystemd)('passes systemd-analyze verify', () => {
    const dir = tempDir();
    let text = repoFile('deploy/parley.service');
    // verify checks that the program exists; Node may live elsewhere on this machine.
    if (!existsSync('/usr/bin/node')) text = text.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `);
    const path = join(dir, 'parley.service');
    writeFileSync(path, text);
    const run = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    // It only warns (exit 0) about unknown keys and bad values: any line naming the unit fails.
    const complaints = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line.includes('parley.service'));
    expect(complaints).toEqual([]);
    expect(run.status, run.stderr).toBe(0);
  });
});

describe('deploy/*.env examples', () => {
  const files = readdirSync(join(ROOT, 'deploy')).filter((name) => name.endsWith('.env'));

  it('name only Parley settings, including the commented-out suggestions', () => {
    expect(files.sort()).toEqual(['compose.env', 'parley.env']);
    for (const name of files) {
      const { active, suggested } = envFileSettings(repoFile(`deploy/${name}`));
      expect(notSettings([...Object.keys(active), ...suggested]), name).toEqual([]);
    }
  });
});
