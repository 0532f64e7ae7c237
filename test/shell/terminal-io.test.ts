// runShell(): the streams `pidsim shell` wires to stdin/stdout. A script is
// read line by line and each command echoed after its prompt; on a terminal
// the session prompts; it ends at end of input or when the last window's
// login shell exits, and resolves with the last $? once the kernel's
// invariants are checked, or rejects saying what went wrong.

import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Kernel } from '../../src/index.js';
import { controlKeyOf, runShell } from '../../src/shell/index.js';
import { nodeModule } from './shell-cli.js';

async function run(script: string, interactive = false): Promise<{ text: string; status: number }> {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const status = await runShell({ input: Readable.from([script]), output, interactive });
  return { text, status };
}

describe('runShell', () => {
  it('runs a script: each command after its prompt, then its output', async () => {
    const { text, status } = await run('echo $$\nsleep 1\n');
    expect(text).toBe('[w1 $$=2]# echo $$\n2\n[w1 $$=2]# sleep 1\n');
    expect(status).toBe(0);
  });

  it('resolves with the last $?', async () => {
    expect((await run('false\n')).status).toBe(1);
    expect((await run('nosuch\n')).status).toBe(127);
  });

  it('ends when the last login shell exits, with its exit code; later lines are not run', async () => {
    const { text, status } = await run('exit 3\necho never\n');
    expect(text).toBe('[w1 $$=2]# exit 3\nlogout\n');
    expect(status).toBe(3);
  });

  it('keeps going while another window is open, and says so about the closed one', async () => {
    const { text } = await run('window 2\nwindow 1\nexit\necho here\nwindow 2\necho $$\n');
    expect(text).toContain("[w1 closed]# echo here\npidsim: window 1 is closed (its login shell exited); switch with `window N`\n");
    expect(text).toContain('[w2 $$=3]# echo $$\n3\n');
  });

  it('lists the windows with `window`', async () => {
    const { text } = await run('window 2\nsudo unshare --pid --fork bash\nwindow\n');
    expect(text).toContain('window 1 (pts/1): shells ($$): 2\n');
    expect(text).toContain('window 2 (pts/2) *: shells ($$): 3 1\n');
  });

  it('on a terminal: a banner, then a prompt before each line', async () => {
    const { text, status } = await run('echo $$\n', true);
    expect(text).toContain('pidsim shell: an emulated terminal');
    expect(text).toContain('[w1 $$=2]# ');
    expect(text).toContain('2\n');
    expect(status).toBe(0);
  });

  it('reads ^C, ^Z, ^D (or the control characters) as keys, and nothing else', () => {
    expect(['^C', '\x03', ' ^Z ', '\x1a', '^D', '\x04'].map(controlKeyOf)).toEqual(['C', 'C', 'Z', 'Z', 'D', 'D']);
    expect(['^c', '^Z^Z', 'echo ^Z', '', '^'].map(controlKeyOf)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('refuses a bad seed with a message naming it', async () => {
    await expect(runShell({ input: Readable.from(['']), output: new PassThrough(), interactive: false, seed: -1 })).rejects.toThrow(
      'runShell: seed must be an integer from 0 to 4294967295, received -1',
    );
  });
});

/** A terminal driven key by key: each key is typed once the screen shows what it waits for, never on a timer. */
function terminal(): { type(keys: string, thenShows: string): Promise<void>; readonly screen: string; readonly status: Promise<number> } {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  let seen = 0;
  let waiting: { text: string; resolve: () => void } | undefined;
  const check = (): void => {
    if (!waiting) return;
    const at = screen.indexOf(waiting.text, seen);
    if (at < 0) return;
    seen = at + waiting.text.length;
    const { resolve } = waiting;
    waiting = undefined;
    resolve();
  };
  output.on('data', (chunk: Buffer) => {
    // readline redraws with cursor moves and line clears: keep the text.
    screen += chunk.toString('utf8').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    check();
  });
  const shows = (text: string): Promise<void> =>
    new Promise((resolve) => {
      waiting = { text, resolve };
      check();
    });
  const status = runShell({ input, output, interactive: true });
  return {
    async type(keys, thenShows) {
      input.write(keys);
      await shows(thenShows);
    },
    get screen() {
      return screen;
    },
    status,
  };
}

describe('on a terminal', () => {
  it('Ctrl-Z stops a job that time does not end, Ctrl-C interrupts it, Ctrl-D ends only the shell reading', async () => {
    const t = terminal();
    await t.type('', '[w1 $$=2]# ');
    await t.type('bash\r', '[w1 $$=3]# ');
    await t.type('sleep infinity\r', '[w1 busy]# ');
    await t.type('\x1a', '^Z\n[1]+  Stopped                 sleep infinity\n[w1 $$=3]# ');
    await t.type('fg\r', 'sleep infinity\n[w1 busy]# ');
    await t.type('\x03', '^C\n[w1 $$=3]# ');
    await t.type('echo $?\r', '130\n[w1 $$=3]# ');
    await t.type('\x04', '\nexit\n[w1 $$=2]# ');
    await t.type('echo $$\r', '2\n[w1 $$=2]# ');
    await t.type('\x04', '\nlogout\n');
    expect(await t.status).toBe(0);
  });
});

describe('the end of a session', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("checks the kernel's invariants: a violation fails the session, naming it", async () => {
    const check = vi.spyOn(Kernel.prototype, 'checkInvariants').mockResolvedValueOnce([{ invariant: 3, message: 'a zombie has no parent', processes: [] }]);
    await expect(run('echo $$\n')).rejects.toThrow("the kernel's invariants do not hold at the end of the shell session:\n  invariant 3: a zombie has no parent");
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('that can no longer make progress is an error saying what it waited for, not a quiet exit 0', () => {
    // Input that neither comes nor ends: once nothing else is pending, Node would exit with status 0 mid-session.
    const r = nodeModule(`
      import { Readable } from 'node:stream';
      import { runShell } from './dist/src/shell/index.js';
      const input = new Readable({ read() {} });
      input.push('echo hi\\n');
      runShell({ input, output: process.stdout, interactive: false }).then(
        (status) => console.log('resolved', status),
        (e) => { console.log('rejected:', e.message); process.exitCode = 1; },
      );
    `);
    expect(r.stdout).toBe(
      '[w1 $$=2]# echo hi\nhi\nrejected: the shell session is stuck (waiting for input that can no longer come): nothing can happen any more, but the session has not ended\n',
    );
    expect(r.status).toBe(1);
  });
});
