// A trace written as it goes: each record is encoded straight into a 1 MiB
// buffer, which is written to the file with a synchronous write when full,
// so memory stays flat however long the run, and no big string is ever
// built (records arrive inside the kernel's delivery loop, where nothing can
// be awaited).

import { closeSync, openSync, writeSync } from 'node:fs';

const BUFFER_BYTES = 1 << 20;

export class TraceFile {
  readonly path: string;
  /** The file descriptor; null once closed. */
  #fd: number | null;
  readonly #buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  #used = 0;
  #records = 0;
  #written = 0;

  /** Opens (truncates) `path` and writes the head of the JSON object. */
  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, 'w');
    // displayTimeUnit first: Perfetto reads it only before the events.
    this.#append('{"displayTimeUnit":"ms","traceEvents":[\n');
  }

  get records(): number {
    return this.#records;
  }

  /** Bytes written so far (all of them once closed). */
  get bytes(): number {
    return this.#written + this.#used;
  }

  get closed(): boolean {
    return this.#fd === null;
  }

  write(record: string): void {
    if (this.#fd === null) return;
    if (this.#records++ > 0) this.#append(',\n');
    this.#append(record);
  }

  /** Ends the events array, adds `otherData` (what the run was), and closes the file. */
  close(otherData: Readonly<Record<string, unknown>>): void {
    if (this.#fd === null) return;
    this.#append(`\n],\n"otherData":${JSON.stringify(otherData)}}\n`);
    this.#flush();
    closeSync(this.#fd);
    this.#fd = null;
  }

  #append(text: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8: room for that much, or write what is buffered first.
    if (this.#used + text.length * 3 > BUFFER_BYTES) {
      this.#flush();
      if (text.length * 3 > BUFFER_BYTES) {
        this.#writeAll(Buffer.from(text));
        return;
      }
    }
    this.#used += this.#buffer.write(text, this.#used);
  }

  #flush(): void {
    this.#writeAll(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }

  #writeAll(data: Buffer): void {
    let off = 0;
    while (off < data.length) off += writeSync(this.#fd!, data, off);
    this.#written += data.length;
  }
}
