// This file implements parameter expansion for the emulated bash: `$$` (the
// shell's PID in its own namespace, which is why `echo $$` prints 1 in a new
// namespace's first shell), `$?`, `$!`, `$PPID` and `$NAME` / `${NAME}`.
// There is no word splitting or globbing: one word in, one word out.

import type { Word } from './command-line.js';

/** Looks a parameter up by name ('$', '?', '!', 'PPID', 'HOME', ...); undefined when unset. */
export type ParameterLookup = (name: string) => string | undefined;

export function expandWord(word: Word, lookup: ParameterLookup): string {
  let out = '';
  for (const part of word) out += part.expand ? expandText(part.text, lookup) : part.text;
  return out;
}

function expandText(text: string, lookup: ParameterLookup): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$' || i + 1 >= text.length) {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1]!;
    if ('$?!#0'.includes(next)) {
      out += lookup(next) ?? '';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = text.indexOf('}', i + 2);
      if (close > 0) {
        out += lookup(text.slice(i + 2, close)) ?? '';
        i = close + 1;
        continue;
      }
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (name) {
      out += lookup(name[0]) ?? '';
      i += 1 + name[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
