// The real-Linux parts refuse clearly when they cannot run: here as an
// unprivileged user (setpriv drops root for the child), the scenario
// runner's linux backend and the bench's Linux baseline both say why.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const canDrop = process.getuid?.() === 0 && setpriv !== undefined;
if (!canDrop) console.warn('test/linux/refusal: SKIPPED - needs root and setpriv to run a child as an unprivileged user');

/** Runs node with `args` as uid/gid 65534 from the repository root. */
function asNobody(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(setpriv!, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!canDrop)('refusing without root', () => {
  it('pidsim run --backend linux exits non-zero and says it needs root', () => {
    const r = asNobody(['dist/src/cli/main.js', 'run', 'test/scenarios/init-protection-inside.yaml', '--backend', 'linux']);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/linux backend is unavailable: it needs root \(CAP_SYS_ADMIN, to create PID namespaces\), and this process runs as uid 65534/);
  });

  it('the bench baseline is skipped with the reason, never invented', () => {
    const r = asNobody(['-e', "import('./dist/src/bench/linux-baseline-build.js').then(async (m) => console.log(JSON.stringify(await m.baselineAvailability())))"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ ok: false, reason: 'the real-Linux baseline needs root (CAP_SYS_ADMIN, to create PID namespaces), and this process runs as uid 65534' });
  });
});
