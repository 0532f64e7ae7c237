// The built `pidsim` as a process (npm test builds first): exit statuses and
// streams end to end, `shell --help` with its stdin left open returns without
// a prompt, and the npm scripts call the commands the docs say.

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = 'dist/src/cli/main.js';

function pidsim(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', input: '', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the pidsim executable', () => {
  it('with no command: the general usage on stderr, exit 2', () => {
    const r = pidsim([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^pidsim: no command given \(pidsim demo runs the demo\)\nusage: pidsim COMMAND \[options\] \[arguments\]\n/);
  });

  it('an unknown option of demo: exit 2, the message once and the usage on stderr, no demo', () => {
    const r = pidsim(['demo', '--frob']);
    expect(r).toEqual({ status: 2, stdout: '', stderr: 'pidsim demo: unknown option "--frob"\nusage: pidsim demo [--trace FILE [--trace-ns N] [--trace-window A:B]]\n(pidsim demo --help lists the options)\n' });
  });

  it('shell --help with stdin left open prints the help and exits 0, without a banner or a prompt', async () => {
    const child = spawn(process.execPath, [CLI, 'shell', '--help'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    // Never ended: a shell that started would wait for its script forever (the guard below then fails the test).
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
    clearTimeout(guard);
    expect([code, signal, stderr]).toEqual([0, null, '']);
    expect(stdout.startsWith('usage: pidsim shell [--seed N]')).toBe(true);
    expect(stdout).not.toMatch(/\[w1 |an emulated terminal on a fresh emulated kernel\. Type/);
  });

  it('pidsim help bench prints the bench help on stdout, exit 0', () => {
    const r = pidsim(['help', 'bench']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^usage: pidsim bench \[--quick\]/);
    expect(r.stdout).toContain('--out bench/results');
  });

  it('bench --out under a missing directory: exit 2 before any suite runs', () => {
    const r = pidsim(['bench', '--quick', '--out', '/no/such/dir/results']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('pidsim bench: --out: the parent directory /no/such/dir does not exist, received "/no/such/dir/results"');
  });
});

describe('the npm scripts', () => {
  const scripts = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;

  it('npm start runs the demo by name (a bare pidsim prints the usage)', () => {
    expect(scripts['start']).toBe('node dist/src/cli/main.js demo');
  });

  it('npm run bench refreshes the committed results, by saying --out bench/results', () => {
    expect(scripts['bench']).toMatch(/node dist\/src\/cli\/main\.js bench --out bench\/results$/);
  });
});
