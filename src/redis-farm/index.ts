// pidsim's seed farm over many hosts: runs of `pidsim stress --queue URL`
// whose seeds are queued on Redis with BullMQ and run by `pidsim worker`s
// on any hosts, each seed recorded once whoever runs it.

export { runQueueStress } from './queue-stress-cli.js';
export { runWorkerCli, parseWorkerArgs, WORKER_COMMAND, WORKER_DEFAULTS } from './worker-cli.js';
export type { WorkerCliOptions, WorkerIo } from './worker-cli.js';
export { FarmWorker } from './farm-worker.js';
export type { BatchOutcome, FarmWorkerOptions } from './farm-worker.js';
export { followRun } from './run-follow.js';
export type { FarmWorkerSummary, FollowOptions, FollowProgress, FollowResult } from './run-follow.js';
export { RunRequestError, redisTimeMs, startRun } from './run-start.js';
export type { RunRequest, StartedRun } from './run-start.js';
export { RUN_NAME, autoBatch, batchCount, batchSeeds, parseJobData } from './run-spec.js';
export type { BatchJobData, RunSpec } from './run-spec.js';
export { QUEUE_NAME, QUEUE_PREFIX, RUN_TTL_SECONDS, WORKERS_KEY, jobId, runKeys } from './run-keys.js';
export type { RunKeys } from './run-keys.js';
export { decodeRecord, encodeRecord, recordSeed } from './seed-record.js';
export type { SeedRecord } from './seed-record.js';
export { WorkerRoster } from './worker-heartbeat.js';
export type { RunningSeed, WorkerBeat } from './worker-heartbeat.js';
export { CONNECT_TIMEOUT_MS, RedisUnreachableError, bullmqConnection, farmConnection, probeRedis } from './redis-connection.js';
export type { RedisServerInfo } from './redis-connection.js';
export { parseRedisUrl } from './redis-url.js';
export type { RedisUrl } from './redis-url.js';
export { pidsimVersion } from './pidsim-version.js';
export { LocalRedis, freePort, redisServerMissing } from './local-redis.js';
export type { LocalRedisOptions } from './local-redis.js';
