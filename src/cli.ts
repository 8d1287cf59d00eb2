#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError, ENV_NAMES, loadConfig, tlsFiles, type Config, type ConfigInput } from './config.js';
import { prepareDataDir } from './data-dir.js';
import { guardProcess } from './process-guard.js';
import { SHUTDOWN_NOTICE, startServer, type RunningServer } from './server.js';
import { explainStartupError } from './startup-error.js';
import { createToken, listTokens, revokeToken, TokenCommandError, type Output } from './cli-token.js';
import { backupCommand, exportCommand, importCommand } from './data/commands.js';
import { isDataRefusal, type DataIo } from './data/refusals.js';

const program = new Command();
program
  .name('parley')
  .description('One chat, many doors: TCP (text and JSON lines), Socket.IO and HTTP.')
  .version('0.1.0');

const env = (key: keyof Config): string => ENV_NAMES[key];

/** The store folder for the commands that open the store beside a server (token, backup, export, import). */
const dataDirOption = (): Option => new Option('--data-dir <dir>', `folder of the SQLite store [${env('dataDir')}, default ./data]`);

program
  .command('serve')
  .description('run the chat server')
  .addOption(new Option('--port <port>', `HTTP and Socket.IO port [${env('port')}, default 3000]`))
  .addOption(new Option('--tcp-port <port>', `TCP port, text and JSON lines [${env('tcpPort')}, default 4000]`))
  .addOption(new Option('--host <host>', `address to listen on [${env('host')}, default 0.0.0.0]`))
  .addOption(new Option('--data-dir <dir>', `folder of the SQLite history [${env('dataDir')}, default ./data]`))
  .addOption(new Option('--log-level <level>', `fatal|error|warn|info|debug|trace|silent [${env('logLevel')}, default info]`))
  .addOption(new Option('--default-room <room>', `room every new session starts in [${env('defaultRoom')}, default general]`))
  .addOption(new Option('--history-on-join <n>', `messages shown on join [${env('historyOnJoin')}, default 20]`))
  .addOption(new Option('--max-message-length <n>', `characters per message [${env('maxMessageLength')}, default 4000]`))
  .addOption(new Option('--max-line-bytes <n>', `TCP line limit in bytes [${env('maxLineBytes')}, default 8192]`))
  .addOption(new Option('--max-outbuf-bytes <n>', `per-connection send buffer before a slow reader is dropped [${env('maxOutbufBytes')}, default 1048576]`))
  .addOption(new Option('--idle-timeout <seconds>', `close silent TCP sessions after this long; 0 = never [${env('idleTimeout')}, default 0]`))
  .addOption(new Option('--cors-origin <origins>', `comma-separated origins allowed by CORS [${env('corsOrigin')}, default same origin only]`))
  .addOption(new Option('--durability <mode>', `full: fsync each write batch; normal: survive process crashes only [${env('durability')}, default full]`))
  .addOption(new Option('--commit-window-ms <ms>', `how long messages may wait to share one commit (and one write per client) [${env('commitWindowMs')}, default 2]`))
  .addOption(new Option('--presence-notice-limit <n>', `rooms larger than this do not announce each join and leave [${env('presenceNoticeLimit')}, default 500]`))
  .addOption(new Option('--tls-cert <file>', `PEM certificate (chain); with --tls-key: HTTPS on PORT and TLS on TLS_TCP_PORT [${env('tlsCert')}]`))
  .addOption(new Option('--tls-key <file>', `PEM private key of --tls-cert [${env('tlsKey')}]`))
  .addOption(new Option('--tls-tcp-port <port>', `TCP door over TLS, text and JSON lines [${env('tlsTcpPort')}, default 4443]`))
  .addOption(new Option('--no-plain-tcp', `with TLS on, close the unencrypted TCP port [${env('plainTcp')}]`))
  .addOption(new Option('--no-console', `do not read operator lines from standard input [${env('console')}]`))
  .addHelpText(
    'after',
    '\nEach option can also be set by its environment variable or in a .env file; flags win, then the environment, then .env.\nWith TLS on, SIGHUP reloads the certificate and key from the same files without dropping connections.',
  )
  .action(async (options: Record<string, unknown>) => {
    const flags: ConfigInput = { ...options };
    // commander sets console=true unless --no-console was given; only the flag's "false" is a choice.
    if (options.console === true) delete flags.console;
    if (options.plainTcp === true) delete flags.plainTcp;
    await serve(flags);
  });

program
  .command('connect')
  .description('chat from the terminal (JSON-lines client)')
  .argument('[target]', 'host[:port] of a Parley TCP door (default 127.0.0.1:4000; 127.0.0.1:4443 with --tls)')
  .option('--name <name>', 'your name (asked for if absent)')
  .option('--room <room>', 'room to join after connecting')
  .option('--tls', "connect over TLS (the server's TLS_TCP_PORT), checking its certificate against the system's CAs")
  .option('--ca <file>', 'with TLS, trust this PEM CA (or self-signed certificate) instead of the system store; implies --tls')
  .option('--no-color', 'no colours (also off with NO_COLOR or when not a terminal)')
  .option('--login', 'log in with a password, asked without echo (a saved login is used first)')
  .action(async (target: string | undefined, options: { name?: string; room?: string; tls?: boolean; ca?: string; color: boolean; login?: boolean }) => {
    const { DEFAULT_PORT, DEFAULT_TLS_PORT, parseTarget, runConnect } = await import('../clients/cli/connect.js');
    const useTls = options.tls === true || options.ca !== undefined;
    let host: string;
    let port: number;
    try {
      ({ host, port } = parseTarget(target, useTls ? DEFAULT_TLS_PORT : DEFAULT_PORT));
    } catch (error) {
      if (error instanceof RangeError) return fatal(error.message);
      throw error;
    }
    let ca: Buffer | undefined;
    if (options.ca !== undefined) {
      try {
        ca = readFileSync(options.ca);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (typeof code === 'string') return fatal(`Cannot read --ca ${resolve(options.ca)}: ${code}. Give the PEM file of the server's CA or self-signed certificate.`);
        throw error;
      }
    }
    const tls = useTls ? { ca } : undefined;
    process.exitCode = await runConnect({ host, port, tls, name: options.name, room: options.room, color: options.color, login: options.login });
  });

const token = program
  .command('token')
  .description("bot tokens for POST /api/rooms/:room/messages, on the server's machine (same DATA_DIR or DATABASE_URL and JWT_SECRET as the server)");
token
  .command('create')
  .description('make a token for the bot NAME; prints only the token, once')
  .argument('<name>', "the bot's name (registered to the bot the first time)")
  .option('--label <label>', 'a note, e.g. where the token is used', '')
  .addOption(dataDirOption())
  .action((name: string, options: { label: string; dataDir?: string }) => tokenCommand(options.dataDir, (config, io) => createToken(config, name, options.label, io)));
token
  .command('list')
  .description("the bot tokens of a bot, or of every bot a person owns: id, bot, created, label (never the token)")
  .argument('<name>', 'a bot or account name')
  .addOption(dataDirOption())
  .action((name: string, options: { dataDir?: string }) => tokenCommand(options.dataDir, (config, io) => listTokens(config, name, io)));
token
  .command('revoke')
  .description('revoke the token with this id (from `parley token list`)')
  .argument('<id>', 'the token id')
  .addOption(dataDirOption())
  .action((id: string, options: { dataDir?: string }) => tokenCommand(options.dataDir, (config, io) => revokeToken(config, id, io)));

program
  .command('backup')
  .description('a consistent copy of the SQLite history while the server runs (with DATABASE_URL: prints the pg_dump command)')
  .argument('<file>', 'where to write the copy')
  .option('--force', 'replace FILE if it exists')
  .addOption(dataDirOption())
  .action((file: string, options: { force?: boolean; dataDir?: string }) => dataCommand(options.dataDir, (config, io) => backupCommand(config, file, options.force === true, io)));
program
  .command('export')
  .description('the history as NDJSON on stdout: a header, then each room and its messages in order (see README "Keeping the data")')
  .option('--room <room>', 'only this room')
  .option('--since <date>', 'only messages from this date (2026-11-01, UTC) or time (2026-11-01T09:00:00Z) on')
  .addOption(dataDirOption())
  .action((options: { room?: string; since?: string; dataDir?: string }) =>
    dataCommand(options.dataDir, (config, io) => exportCommand(config, { room: options.room, since: options.since }, io)),
  );
program
  .command('import')
  .description('store the history of an export (FILE, or stdin for - or none), keeping rooms, numbers and text; run it while no server uses the store')
  .argument('[file]', 'an export file, or - for stdin')
  .addOption(dataDirOption())
  .action((file: string | undefined, options: { dataDir?: string }) => dataCommand(options.dataDir, (config, io) => importCommand(config, file, io)));

/** Runs one `parley backup|export|import`; its expected refusals are one line on stderr and exit 2. */
async function dataCommand(dataDir: string | undefined, work: (config: Config, io: DataIo) => Promise<void>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(dataDir === undefined ? {} : { dataDir });
  } catch (error) {
    if (error instanceof ConfigError) return fatal(error.message);
    throw error;
  }
  const io: DataIo = { stdout: process.stdout, stdin: process.stdin, err: (line) => process.stderr.write(`${line}\n`) };
  try {
    await work(config, io);
  } catch (error) {
    if (isDataRefusal(error)) return fatal(error.message);
    const explained = explainStartupError(error, config);
    if (explained !== null) return fatal(explained);
    throw error;
  }
}

/** Runs one `parley token` command; its expected refusals are one line on stderr and exit 2. */
async function tokenCommand(dataDir: string | undefined, work: (config: Config, io: Output) => Promise<void>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(dataDir === undefined ? {} : { dataDir });
  } catch (error) {
    if (error instanceof ConfigError) return fatal(error.message);
    throw error;
  }
  const io: Output = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
  try {
    await work(config, io);
  } catch (error) {
    if (error instanceof TokenCommandError) return fatal(error.message);
    const explained = explainStartupError(error, config);
    if (explained !== null) return fatal(explained);
    throw error;
  }
}

// Shutdown budget: the drain (2 s in server.ts), goodbyes and the store's last commit.
const SHUTDOWN_DEADLINE_MS = 5000;

async function serve(flags: ConfigInput): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(flags);
  } catch (error) {
    if (error instanceof ConfigError) return fatal(error.message);
    throw error;
  }
  let server: RunningServer;
  try {
    prepareDataDir(config.dataDir);
    server = await startServer(config);
  } catch (error) {
    const explained = explainStartupError(error, config);
    if (explained !== null) return fatal(explained);
    // Not a refusal we know: a defect. Still one line on stderr; the stack is in the log at debug.
    process.stderr.write(`parley: could not start: ${error instanceof Error ? error.message : String(error)} (LOG_LEVEL=debug shows the stack)\n`);
    if (config.logLevel === 'debug' || config.logLevel === 'trace') process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
    process.exitCode = 1;
    return;
  }
  const running = server;
  guardProcess({
    events: process,
    stop: () => running.stop(SHUTDOWN_NOTICE),
    logger: running.logger,
    exit: (code) => process.exit(code),
    deadlineMs: SHUTDOWN_DEADLINE_MS,
  });
  // Only with TLS on: otherwise a hangup keeps its default meaning (the process ends).
  if (tlsFiles(config) !== null) {
    process.on('SIGHUP', () => {
      running.logger.info({ signal: 'SIGHUP' }, 'reloading the TLS certificate');
      running.reloadTls();
    });
  }
}

function fatal(message: string): void {
  process.stderr.write(`parley: ${message}\n`);
  process.exitCode = 2;
}

await program.parseAsync(process.argv);
