// Int32 word operations on a table's typed arrays: Atomics when the words
// live in a SharedArrayBuffer (other threads read and write them), plain
// reads and writes when they are this thread's own. An Atomics operation
// costs about 12 ns in V8 (Node 20), shared buffer or not, against under
// 2 ns for the plain one, and a fork at depth 31 makes some 250 of them on
// its 32 PID tables. Each function has Atomics' result: the old value
// (load and store: the value).

export function load(shared: boolean, a: Int32Array, i: number): number {
  return shared ? Atomics.load(a, i) : a[i]!;
}

export function store(shared: boolean, a: Int32Array, i: number, v: number): number {
  if (shared) return Atomics.store(a, i, v);
  a[i] = v;
  return v;
}

export function add(shared: boolean, a: Int32Array, i: number, v: number): number {
  if (shared) return Atomics.add(a, i, v);
  const old = a[i]!;
  a[i] = old + v;
  return old;
}

export function sub(shared: boolean, a: Int32Array, i: number, v: number): number {
  if (shared) return Atomics.sub(a, i, v);
  const old = a[i]!;
  a[i] = old - v;
  return old;
}

export function or(shared: boolean, a: Int32Array, i: number, v: number): number {
  if (shared) return Atomics.or(a, i, v);
  const old = a[i]!;
  a[i] = old | v;
  return old;
}

export function and(shared: boolean, a: Int32Array, i: number, v: number): number {
  if (shared) return Atomics.and(a, i, v);
  const old = a[i]!;
  a[i] = old & v;
  return old;
}

export function compareExchange(shared: boolean, a: Int32Array, i: number, expected: number, replacement: number): number {
  if (shared) return Atomics.compareExchange(a, i, expected, replacement);
  const old = a[i]!;
  if (old === (expected | 0)) a[i] = replacement;
  return old;
}
