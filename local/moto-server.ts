import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A running moto server on loopback. */
export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  port: number;
  /** Kills the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options of {@link startMoto}. */
export interface StartMotoOptions {
  /** Called about every 2 s while waiting for the server to answer. */
  onProgress?: (line: string) => void;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 200;
const PROGRESS_INTERVAL_MS = 2_000;
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Starts `moto_server` on a free loopback port and resolves once `/moto-api/` answers 200. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const bin = locateMotoServer();
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const logPath = join(tmpdir(), `moto-server-${port}-${process.pid}.log`);
  const logFd = openSync(logPath, 'w');
  let child: ChildProcess;
  try {
    child = spawn(bin, ['-H', HOST, '-p', String(port)], { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      done();
    });
    child.once('error', (error) => {
      spawnError = error;
      done();
    });
  });
  const killOnExit = () => {
    if (exited === undefined) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited !== undefined || spawnError !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exitPromise;
    clearTimeout(timer);
  };

  const started = Date.now();
  let lastProgress = started;
  for (;;) {
    if (spawnError !== undefined || exited !== undefined) {
      await stop();
      const why = spawnError?.message ?? `exited with code ${exited?.code} signal ${exited?.signal}`;
      throw new Error(`moto_server (${bin}) ${why} before answering; log: ${logPath}\n${logTail(logPath)}`);
    }
    if (await answers(`${endpoint}/moto-api/`)) break;
    const now = Date.now();
    if (now - started > READY_TIMEOUT_MS) {
      await stop();
      throw new Error(
        `moto_server did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s; log: ${logPath}\n${logTail(logPath)}`,
      );
    }
    if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
      lastProgress = now;
      options.onProgress?.(
        `waiting for moto_server on ${endpoint} (${Math.round((now - started) / 1000)} s; log ${logPath})`,
      );
    }
    await sleep(POLL_INTERVAL_MS);
  }
  return { endpoint, port, stop };
}

/** Clears all moto state and restores moto's default `ecs::task` transition (the state manager survives a reset). */
export async function resetMoto(endpoint: string): Promise<void> {
  await motoApi(endpoint, '/moto-api/reset', {});
  // Back to moto's registered default for tasks: `manual` with `times: 1`, one lastStatus step per DescribeTasks.
  await motoApi(endpoint, '/moto-api/state-manager/unset-transition', { model_name: 'ecs::task' });
}

/** Freezes ECS tasks' lastStatus so DescribeTasks no longer advances it (until the next {@link resetMoto}). */
export async function manualTaskTransitions(endpoint: string): Promise<void> {
  // `manual` advances one step every `times` describes: with `times: 1` (moto's default) every describe advances.
  await motoApi(endpoint, '/moto-api/state-manager/set-transition', {
    model_name: 'ecs::task',
    transition: { progression: 'manual', times: Number.MAX_SAFE_INTEGER },
  });
}

async function motoApi(endpoint: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`moto ${path} answered ${response.status}: ${await response.text()}`);
  }
}

function locateMotoServer(): string {
  const fromEnv = process.env.MOTO_SERVER_BIN;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`MOTO_SERVER_BIN=${fromEnv} is not an executable file; unset it or run \`npm run setup\``);
  }
  const venv = join(REPO_ROOT, '.venv', 'bin', 'moto_server');
  if (isExecutable(venv)) return venv;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'moto_server');
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(
    `moto_server not found (looked at MOTO_SERVER_BIN, ${venv} and PATH): run \`npm run setup\` to install it`,
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, HOST, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        fail(new Error(`could not read a free port from ${String(address)}`));
        return;
      }
      server.close(() => done(address.port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
