// The README's example and `npm start` must keep working, against the build.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args: string[]): string => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });

describe('examples', () => {
  it('examples/quickstart.mjs runs against the built package and tells the container story', () => {
    const out = run(['examples/quickstart.mjs']);
    expect(out).toContain('tini is PID 1 inside, NSpid 3 1');
    expect(out).toContain("exec'd shell is PID 3 inside, and its parent is invisible there: getppid() = 0");
    expect(out).toContain('after SIGTERM, tini is running');
    expect(out).toContain("shell (its parent is outside) died with { kind: 'killed', signal: 9, core: false }");
    expect(out).toContain("tini reaped by runtime: { kind: 'killed', signal: 9, core: false }");
    expect(out).toContain('a fork into the dead namespace: ENOMEM');
    expect(out).toContain('invariants: all hold');
  });

  it('examples/pidfd-supervisor.mjs holds services by pidfd: readiness, init protection, waitid, and no harm after PID reuse (SEMANTICS 8.14)', () => {
    const out = run(['examples/pidfd-supervisor.mjs']);
    expect(out).toContain("tini: pidfd(NSpid 3 1), fdinfo through the manager's /proc: { flags: '02000002', pid: 3, nspid: [ 3, 1 ] }");
    expect(out).toContain('after SIGTERM through the pidfd, tini is running');
    expect(out).toContain('tini exited (its pidfd is readable)');
    expect(out).toContain("waitid(P_PIDFD): { kind: 'killed', signal: 9, core: false }");
    expect(out).toContain('the old service had PID 4; a new process got PID 4');
    expect(out).toContain('SIGKILL through the old pidfd: ESRCH; the new process is running');
    expect(out).toContain('invariants: all hold');
  });

  it('npm start (pidsim demo) shows the cascade and exits 0', () => {
    const out = run(['dist/src/cli/main.js', 'demo']);
    expect(out).toContain('namespace 3: bash is PID 1 inside, NSpid 11 7 4 1');
    expect(out).toContain('pstree -p after the cascade: namespaces 2 and 3 are gone');
    expect(out).toContain('fork() -> ENOMEM');
    expect(out).toContain('all 7 invariants of docs/architecture.md hold');
  });
});
