// A private redis-server on a free loopback port, in a directory of its own,
// for the farm's tests and benchmark: started, restarted on the same port
// and directory (its append-only file brings back what it acknowledged), and
// stopped. Redis cannot pick its own port (`--port 0` turns TCP off), so a
// free one is found by binding a socket to port 0 first.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeRedis, RedisUnreachableError } from './redis-connection.js';
import { parseRedisUrl, type RedisUrl } from './redis-url.js';

const START_TIMEOUT_MS = 10_000;

/** Whether `redis-server` can be run here: null if it can, else what is missing. */
export function redisServerMissing(): string | null {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error) return `redis-server is not installed (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); on Debian: apt-get install redis-server`;
  if (r.status !== 0) return `redis-server --version exited with ${r.status}: ${r.stderr.trim()}`;
  return null;
}

/** A TCP port nobody listens on now (the kernel's pick for port 0 on 127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port was assigned'))));
    });
  });
}

export interface LocalRedisOptions {
  /** The append-only file, fsynced at every write (default true): a restart loses nothing acknowledged. */
  readonly appendOnly?: boolean;
}

export class LocalRedis {
  readonly port: number;
  readonly dir: string;
  readonly url: RedisUrl;
  readonly #appendOnly: boolean;
  #child: ChildProcess | null = null;

  private constructor(port: number, dir: string, appendOnly: boolean) {
    this.port = port;
    this.dir = dir;
    this.#appendOnly = appendOnly;
    const url = parseRedisUrl(`redis://127.0.0.1:${port}`);
    if ('error' in url) throw new Error(url.error);
    this.url = url;
  }

  static async start(o: LocalRedisOptions = {}): Promise<LocalRedis> {
    const redis = new LocalRedis(await freePort(), mkdtempSync(join(tmpdir(), 'pidsim-redis-')), o.appendOnly ?? true);
    await redis.#spawn();
    return redis;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async #spawn(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--logfile', join(this.dir, 'redis.log'), '--daemonize', 'no'];
    args.push(...(this.#appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.#child = child;
    const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`redis-server exited (${signal ?? code}) as it started: ${this.#log()}`))));
    exited.catch(() => undefined);
    const deadline = performance.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        await Promise.race([probeRedis(this.url, 1000), exited]);
        return;
      } catch (e) {
        if (!(e instanceof RedisUnreachableError)) throw e;
        if (performance.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer within ${START_TIMEOUT_MS / 1000} s: ${this.#log()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  #log(): string {
    try {
      return readFileSync(join(this.dir, 'redis.log'), 'utf8').trim().split('\n').slice(-5).join(' | ');
    } catch {
      return '(no log)';
    }
  }

  /** Stops the server with `signal` (SIGKILL: a crash; SIGTERM: a clean shutdown) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await gone;
  }

  /** Starts it again on the same port and directory, after a kill. */
  async restart(): Promise<void> {
    await this.kill('SIGKILL');
    await this.#spawn();
  }

  /** Stops it and removes its directory. */
  async stop(): Promise<void> {
    await this.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
