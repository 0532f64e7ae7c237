// Stand-ins for a `pidsim` process's streams: what a command writes is kept;
// with stdin, a stream that stays open (a terminal, if asked), so a command
// that wrongly started reading it would never finish.

import { PassThrough, Writable } from 'node:stream';
import type { PidsimIo } from '../../src/cli/pidsim-cli.js';

export interface CapturedIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable;
  out(): string;
  err(): string;
}

export interface CapturedPidsimIo extends PidsimIo {
  out(): string;
  err(): string;
}

function sink(chunks: string[]): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
}

/** stdout and stderr, kept. */
export function capturedIo(): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return { stdout: sink(out), stderr: sink(err), out: () => out.join(''), err: () => err.join('') };
}

/** stdout and stderr kept, and an stdin that stays open. */
export function capturedPidsimIo(o: { readonly tty?: boolean } = {}): CapturedPidsimIo {
  const stdin = Object.assign(new PassThrough(), { isTTY: o.tty === true });
  return { stdin, ...capturedIo() };
}
