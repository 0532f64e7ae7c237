// Stand-ins for a `pidsim` process's streams: what a command writes is kept,
// and stdin is a stream that stays open (a terminal, if asked), so a command
// that wrongly started reading it would never finish.

import { PassThrough, Writable } from 'node:stream';
import type { PidsimIo } from '../../src/cli/pidsim-cli.js';

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

export function capturedPidsimIo(o: { readonly tty?: boolean } = {}): CapturedPidsimIo {
  const out: string[] = [];
  const err: string[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: o.tty === true });
  return { stdin, stdout: sink(out), stderr: sink(err), out: () => out.join(''), err: () => err.join('') };
}
