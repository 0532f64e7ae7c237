// A stand-in for process.stdout/stderr that keeps what `pidsim stress` writes.

import { Writable } from 'node:stream';

export interface CapturedIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable;
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

export function capturedIo(): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return { stdout: sink(out), stderr: sink(err), out: () => out.join(''), err: () => err.join('') };
}
