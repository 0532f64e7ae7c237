// Connecting to the Redis of a farm. A first connection that never retries
// proves the server is there (an unreachable URL is an error within seconds,
// never a hang) and new enough for BullMQ; the connections a farm then uses
// retry for ever, so a client or a worker rides out a Redis restart.

import { Redis } from 'ioredis';
import type { RedisUrl } from './redis-url.js';

export const CONNECT_TIMEOUT_MS = 5000;

/** BullMQ's floor (it needs streams and the commands of Redis 5). */
const MIN_REDIS_MAJOR = 5;

export class RedisUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnreachableError';
  }
}

export interface RedisServerInfo {
  readonly version: string;
  /** Whether the append-only file is on (a restart then loses at most what its fsync policy allows). */
  readonly appendOnly: boolean;
}

function infoField(info: string, name: string): string | null {
  const m = new RegExp(`^${name}:(.*)$`, 'm').exec(info);
  return m ? m[1]!.trim() : null;
}

/** Checks that `url` answers within `timeoutMs`; throws a RedisUnreachableError naming the URL otherwise. */
export async function probeRedis(url: RedisUrl, timeoutMs = CONNECT_TIMEOUT_MS): Promise<RedisServerInfo> {
  const probe = new Redis(url.href, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError: Error | undefined;
  probe.on('error', (e: Error) => (lastError = e));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    // connectTimeout covers the socket; this covers a name lookup that never ends too.
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs + 500);
  });
  try {
    const info = await Promise.race([probe.connect().then(() => probe.info()), deadline]);
    const version = infoField(info, 'redis_version') ?? '0';
    if (Number(version.split('.')[0]) < MIN_REDIS_MAJOR) {
      throw new RedisUnreachableError(`Redis at ${url.display} is version ${version}; BullMQ needs ${MIN_REDIS_MAJOR} or later`);
    }
    return { version, appendOnly: infoField(info, 'aof_enabled') === '1' };
  } catch (e) {
    if (e instanceof RedisUnreachableError) throw e;
    // The socket's own error (ECONNREFUSED...) says more than the client's "Connection is closed.".
    const why = lastError?.message ?? ((e as Error).message || String(e));
    throw new RedisUnreachableError(`cannot reach Redis at ${url.display}: ${why}`);
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

export interface FarmConnectionOptions {
  /** CLIENT SETNAME, to tell the farm's connections apart in `redis-cli client list`. */
  readonly name: string;
  /** Told of connection errors (while Redis restarts, for instance); the connection keeps retrying. */
  readonly onError?: ((e: Error) => void) | undefined;
}

/**
 * A connection that retries for ever and queues commands while Redis is
 * away (BullMQ requires `maxRetriesPerRequest: null`); a command in flight
 * when the connection dropped is sent again, which is why every write a farm
 * makes is idempotent.
 */
export function farmConnection(url: RedisUrl, o: FarmConnectionOptions): Redis {
  const { url: href, ...options } = bullmqConnection(url, o.name);
  const redis = new Redis(href, options);
  redis.on('error', (e: Error) => o.onError?.(e));
  return redis;
}

/**
 * The same as options for a BullMQ Queue or Worker, which then makes its
 * connections and closes them all (it leaves a connection it was given open,
 * and so do the duplicates it makes of it). Its errors come as the Queue's
 * or Worker's 'error' events.
 */
export function bullmqConnection(url: RedisUrl, name: string) {
  return {
    url: url.href,
    connectionName: name,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}
