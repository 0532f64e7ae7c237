// The real-Linux side of the thread-cycle suite: its C source compiles with
// -pthread, refuses bad arguments with its usage, and where this machine
// allows PID namespaces it runs both cycles at depth 0 and 3.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildThreadBaseline, runBaseline } from '../../src/bench/index.js';

const run = promisify(execFile);

const hasCompiler = await run(process.env['CC'] || 'cc', ['--version']).then(
  () => true,
  () => false,
);
const canUnshare = process.platform === 'linux' && process.getuid?.() === 0;

describe('the thread-cycle baseline', () => {
  it.skipIf(!hasCompiler)('compiles into a cached binary that prints its usage for a mode it does not know', async () => {
    const binary = await buildThreadBaseline();
    expect(existsSync(binary)).toBe(true);
    expect(await buildThreadBaseline()).toBe(binary);
    const usage = await run(binary, ['spawn', '0', '5']).then(
      () => null,
      (e: { code?: number; stdout?: string }) => e,
    );
    expect(usage?.code).toBe(64);
    expect(usage?.stdout).toMatch(/usage: .* thread\|fork DEPTH MS/);
  });

  it.skipIf(!hasCompiler || !canUnshare)('creates and joins threads, and forks and reaps children, at depth 0 and 3', async () => {
    const binary = await buildThreadBaseline();
    for (const mode of ['thread', 'fork']) {
      for (const depth of ['0', '3']) {
        const r = await runBaseline(binary, [mode, depth, '5']);
        expect(r.units).toBeGreaterThan(0);
        expect(r.ms).toBeGreaterThanOrEqual(5);
      }
    }
  });
});
