// A trace written as it goes: records are appended to a buffer that is
// flushed to the file with a synchronous write once it holds about 1 MiB, so
// memory stays flat however long the run (records arrive inside the kernel's
// delivery loop, where nothing can be awaited).

import { closeSync, openSync, writeSync } from 'node:fs';

const FLUSH_AT = 1 << 20;

export class TraceFile {
  readonly path: string;
  /** The file descriptor; null once closed. */
  #fd: number | null;
  #buffer = '';
  #records = 0;
  #bytes = 0;

  /** Opens (truncates) `path` and writes the head of the JSON object. */
  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, 'w');
    // displayTimeUnit first: Perfetto reads it only before the events.
    this.#buffer = '{"displayTimeUnit":"ms","traceEvents":[\n';
  }

  get records(): number {
    return this.#records;
  }

  /** Bytes written so far (all of them once closed). */
  get bytes(): number {
    return this.#bytes + Buffer.byteLength(this.#buffer);
  }

  get closed(): boolean {
    return this.#fd === null;
  }

  write(record: string): void {
    if (this.#fd === null) return;
    this.#buffer += this.#records++ === 0 ? record : `,\n${record}`;
    if (this.#buffer.length >= FLUSH_AT) this.#flush();
  }

  /** Ends the events array, adds `otherData` (what the run was), and closes the file. */
  close(otherData: Readonly<Record<string, unknown>>): void {
    if (this.#fd === null) return;
    this.#buffer += `\n],\n"otherData":${JSON.stringify(otherData)}}\n`;
    this.#flush();
    closeSync(this.#fd);
    this.#fd = null;
  }

  #flush(): void {
    const data = Buffer.from(this.#buffer);
    let off = 0;
    while (off < data.length) off += writeSync(this.#fd!, data, off);
    this.#bytes += data.length;
    this.#buffer = '';
  }
}
