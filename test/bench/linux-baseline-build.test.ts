// The real-Linux baseline: its C source compiles with the system compiler,
// and where this machine allows PID namespaces it answers every command.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { baselineAvailability, buildBaseline, runBaseline } from '../../src/bench/index.js';

const run = promisify(execFile);

const hasCompiler = await run(process.env['CC'] || 'cc', ['--version']).then(
  () => true,
  () => false,
);
const canUnshare = process.platform === 'linux' && process.getuid?.() === 0;

describe('the real-Linux baseline', () => {
  it.skipIf(!hasCompiler)('compiles into a cached binary that prints its usage', async () => {
    const binary = await buildBaseline();
    expect(existsSync(binary)).toBe(true);
    expect(await buildBaseline()).toBe(binary);
    const usage = await run(binary, []).then(
      () => null,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(usage?.code).toBe(64);
    expect(usage?.stderr).toMatch(/usage: .* fork-cycle DEPTH MS \| ns-cycle MS \| teardown MEMBERS/);
  });

  it.skipIf(!hasCompiler || !canUnshare)('forks, nests, creates namespaces and tears one down', async () => {
    expect(await baselineAvailability()).toMatchObject({ ok: true });
    const binary = await buildBaseline();
    for (const args of [
      ['fork-cycle', '0', '5'],
      ['fork-cycle', '3', '5'],
      ['ns-cycle', '5'],
    ]) {
      const r = await runBaseline(binary, args);
      expect(r.units).toBeGreaterThan(0);
      expect(r.ms).toBeGreaterThan(0);
    }
    expect((await runBaseline(binary, ['teardown', '5'])).units).toBe(5);
  });
});
