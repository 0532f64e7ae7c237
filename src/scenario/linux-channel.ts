// One real process's command line: a Unix-domain stream socket (a
// bidirectional pipe) carrying "<seq> <op> args" to the helper and
// "<seq> ok ..." / "<seq> err ENAME" back. The first line a helper sends is
// its hello: "hello NAME HOSTPID SYS_read".

import type { Socket } from 'node:net';

export interface Hello {
  readonly name: string;
  readonly hostPid: number;
  /** The syscall number the helper sleeps in while it waits for commands. */
  readonly readSyscall: number;
}

export class LineChannel {
  readonly #socket: Socket;
  #buffer = '';
  /** Replies by sequence number, not yet taken. */
  readonly #replies = new Map<number, string>();
  #waiters: (() => void)[] = [];
  #hello: Hello | null = null;
  #closed = false;

  /** `onFault` hears of a helper that breaks the protocol (a bug, never an errno). */
  constructor(socket: Socket, onHello: (h: Hello, ch: LineChannel) => void, onFault: (e: Error) => void) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let nl: number;
      while ((nl = this.#buffer.indexOf('\n')) >= 0) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        try {
          this.#line(line, onHello);
        } catch (e) {
          onFault(e as Error);
        }
      }
      this.#wake();
    });
    const end = (): void => {
      this.#closed = true;
      this.#wake();
    };
    socket.on('close', end);
    socket.on('end', end);
    socket.on('error', end);
  }

  get hello(): Hello | null {
    return this.#hello;
  }

  /** The helper hung up: the process has exited (its fds are closed in do_exit). */
  get closed(): boolean {
    return this.#closed;
  }

  send(line: string): void {
    if (this.#closed) throw new Error('linux backend: the helper has hung up');
    this.#socket.write(`${line}\n`);
  }

  /** The reply to `seq` if it has arrived (and forgets it). */
  take(seq: number): string | undefined {
    const r = this.#replies.get(seq);
    if (r !== undefined) this.#replies.delete(seq);
    return r;
  }

  /** Waits up to `ms` for the reply to `seq`. */
  async waitFor(seq: number, ms: number): Promise<string | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = this.take(seq);
      if (r !== undefined || this.#closed || Date.now() >= deadline) return r;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #line(line: string, onHello: (h: Hello, ch: LineChannel) => void): void {
    if (this.#hello === null) {
      const m = /^hello (\S+) (\d+) (\d+)$/.exec(line);
      if (!m) throw new Error(`linux backend: expected a hello from a new helper, received ${JSON.stringify(line)}`);
      this.#hello = { name: m[1]!, hostPid: Number(m[2]), readSyscall: Number(m[3]) };
      onHello(this.#hello, this);
      return;
    }
    const sp = line.indexOf(' ');
    const seq = Number(line.slice(0, sp));
    if (!Number.isInteger(seq) || sp < 0) throw new Error(`linux backend: unreadable reply ${JSON.stringify(line)}`);
    this.#replies.set(seq, line.slice(sp + 1));
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }
}
