import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseDotenv } from '../../src/config.js';

/**
 * Readers of the deployment files (Dockerfile, compose.yaml, the systemd unit, deploy/*.env),
 * so that tests can check what those files rely on without a container engine or systemd.
 * Each reader understands the subset of its format these files use, and throws on the rest
 * rather than guessing.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function repoFile(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

/** Dockerfile instructions in order: comment lines dropped, `\` continuations joined. */
export function dockerInstructions(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    const continued = line.endsWith('\\');
    pending += `${continued ? line.slice(0, -1) : line} `;
    if (continued) continue;
    const match = /^(\S+)\s*(.*)$/.exec(pending.trim());
    pending = '';
    if (match) out.push({ keyword: (match[1] ?? '').toUpperCase(), args: (match[2] ?? '').trim() });
  }
  return out;
}

/** Every ENV of the Dockerfile (the `KEY=VALUE ...` form; values without spaces). */
export function dockerEnv(instructions: readonly DockerInstruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { keyword, args } of instructions) {
    if (keyword !== 'ENV') continue;
    for (const pair of args.split(/\s+/)) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(pair);
      if (!match) throw new Error(`ENV form not understood: ${args}`);
      env[match[1] ?? ''] = match[2] ?? '';
    }
  }
  return env;
}

/** The exec-form (JSON array) command of the HEALTHCHECK instruction. */
export function dockerHealthcheck(instructions: readonly DockerInstruction[]): string[] {
  const found = instructions.filter((i) => i.keyword === 'HEALTHCHECK');
  if (found.length !== 1) throw new Error(`expected one HEALTHCHECK, found ${found.length}`);
  const match = /^(?:--\S+\s+)*CMD\s+(\[.*\])$/.exec(found[0]?.args ?? '');
  if (!match) throw new Error(`HEALTHCHECK is not in the exec form: ${found[0]?.args}`);
  const command: unknown = JSON.parse(match[1] ?? '');
  if (!Array.isArray(command) || !command.every((part): part is string => typeof part === 'string')) throw new Error('HEALTHCHECK CMD is not a list of strings');
  return command;
}

/** Settings of a KEY=VALUE file, including commented-out `#KEY=VALUE` suggestions. */
export function envFileSettings(text: string): { readonly active: Record<string, string>; readonly suggested: string[] } {
  const suggested = [...text.matchAll(/^#\s?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? '');
  return { active: parseDotenv(text), suggested };
}

export interface SystemdUnit {
  /** Every value of each key, per section, in order. */
  readonly sections: Record<string, Record<string, string[]>>;
}

export function parseSystemdUnit(text: string): SystemdUnit {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = sections[header[1] ?? ''] ??= {};
      continue;
    }
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!match || current === null) throw new Error(`unit line not understood: ${line}`);
    (current[match[1] ?? ''] ??= []).push(match[2] ?? '');
  }
  return { sections };
}

/** The variables of the unit's `Environment=` lines (space-separated KEY=VALUE, unquoted). */
export function systemdEnvironment(unit: SystemdUnit): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of unit.sections.Service?.Environment ?? []) {
    for (const pair of value.split(/\s+/).filter((p) => p !== '')) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=([^"'\s]*)$/.exec(pair);
      if (!match) throw new Error(`Environment form not understood: ${value}`);
      env[match[1] ?? ''] = match[2] ?? '';
    }
  }
  return env;
}

export interface ComposeService {
  readonly build?: unknown;
  readonly image?: string;
  readonly env_file?: string | string[];
  readonly environment?: Record<string, unknown>;
  readonly depends_on?: Record<string, { condition?: string }>;
  readonly volumes?: string[];
  readonly ports?: string[];
  readonly healthcheck?: { test?: unknown };
}

/** compose.yaml with its `<<` merge keys resolved. */
export function composeServices(text: string): Record<string, ComposeService> {
  const doc: unknown = parseYaml(text, { merge: true });
  if (typeof doc !== 'object' || doc === null || !('services' in doc)) throw new Error('compose.yaml has no services');
  return (doc as { services: Record<string, ComposeService> }).services;
}

/**
 * A compose environment value with `${NAME:?message}` / `${NAME}` interpolated from `vars`;
 * throws when a variable is not given (as compose would refuse to start).
 */
export function interpolate(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::\?[^}]*)?\}/g, (_, name: string) => {
    const found = vars[name];
    if (found === undefined) throw new Error(`${name} is not set`);
    return found;
  });
}
