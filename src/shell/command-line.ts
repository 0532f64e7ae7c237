// This file implements the part of bash's grammar the emulated terminal
// understands: words with '…', "…" and \ quoting, `#` comments, and lists of
// simple commands joined by `;`, `&&`, `||` and ended by `&` (background).
// Pipelines, redirections, subshells and command substitution are refused
// with a message saying so, rather than half-run.

/** A piece of a word: quoted text is kept as is; the rest undergoes $-expansion. */
export interface WordPart {
  readonly text: string;
  readonly expand: boolean;
}

export type Word = readonly WordPart[];

/** How a command is joined to the one before it. */
export type Connector = ';' | '&&' | '||';

export interface SimpleCommand {
  readonly words: readonly Word[];
  /** Ended by `&`: the shell does not wait for it. */
  readonly background: boolean;
  /** How it follows the previous command of the line (null for the first). */
  readonly connector: Connector | null;
  /** The command as typed, for job messages (`[1]+  Done   sleep 5`). */
  readonly text: string;
}

export type ParseResult =
  | { readonly ok: true; readonly commands: readonly SimpleCommand[] }
  | { readonly ok: false; readonly message: string; readonly status: number };

type Token =
  | { readonly kind: 'word'; readonly word: Word; readonly start: number; readonly end: number }
  | { readonly kind: 'op'; readonly op: ';' | '&' | '&&' | '||'; readonly start: number; readonly end: number };

const UNSUPPORTED: readonly [string, string][] = [
  ['|', 'pipelines (|) are not emulated; run the commands one at a time'],
  ['>', 'redirections (>, <) are not emulated'],
  ['<', 'redirections (>, <) are not emulated'],
  ['(', 'subshells and ( ) are not emulated'],
  [')', 'subshells and ( ) are not emulated'],
  ['`', 'command substitution is not emulated'],
];

/** Splits a line into simple commands; an error carries bash's message and exit status. */
export function parseCommandLine(line: string): ParseResult {
  const lexed = tokenize(line);
  if (!lexed.ok) return lexed;
  const commands: SimpleCommand[] = [];
  let words: Token[] = [];
  let connector: Connector | null = null;
  const finish = (background: boolean): void => {
    const first = words[0]!;
    const last = words[words.length - 1]!;
    commands.push({
      words: words.map((t) => (t.kind === 'word' ? t.word : [])),
      background,
      connector,
      text: line.slice(first.start, last.end),
    });
    words = [];
  };
  for (const t of lexed.tokens) {
    if (t.kind === 'word') {
      words.push(t);
      continue;
    }
    if (words.length === 0) return syntaxError(t.op);
    finish(t.op === '&');
    connector = t.op === '&' ? ';' : t.op;
  }
  if (words.length > 0) finish(false);
  else if (connector === '&&' || connector === '||') {
    return { ok: false, message: 'bash: syntax error: unexpected end of file', status: 2 };
  }
  return { ok: true, commands };
}

function syntaxError(op: string): ParseResult {
  return { ok: false, message: `bash: syntax error near unexpected token \`${op}'`, status: 2 };
}

function tokenize(line: string): { ok: true; tokens: Token[] } | { ok: false; message: string; status: number } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') break;
    if (c === ';' || c === '&' || (c === '|' && line[i + 1] === '|')) {
      const two = line.slice(i, i + 2);
      const op = two === '&&' || two === '||' ? two : c === ';' ? ';' : '&';
      if (two === ';;') return { ok: false, message: "bash: syntax error near unexpected token `;;'", status: 2 };
      tokens.push({ kind: 'op', op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    const refused = UNSUPPORTED.find(([ch]) => ch === c);
    if (refused) return { ok: false, message: `pidsim: ${refused[1]}`, status: 2 };
    const start = i;
    const parts: WordPart[] = [];
    let plain = '';
    const flush = (): void => {
      if (plain !== '') parts.push({ text: plain, expand: true });
      plain = '';
    };
    while (i < line.length) {
      const ch = line[i]!;
      if (ch === ' ' || ch === '\t' || ch === ';' || ch === '&' || ch === '|') break;
      const bad = UNSUPPORTED.find(([x]) => x === ch);
      if (bad) return { ok: false, message: `pidsim: ${bad[1]}`, status: 2 };
      if (ch === '$' && line[i + 1] === '(') return { ok: false, message: 'pidsim: command substitution is not emulated', status: 2 };
      if (ch === '\\') {
        flush();
        if (i + 1 < line.length) parts.push({ text: line[i + 1]!, expand: false });
        i += 2;
        continue;
      }
      if (ch === "'") {
        const close = line.indexOf("'", i + 1);
        if (close < 0) return { ok: false, message: "bash: unexpected EOF while looking for matching `''", status: 2 };
        flush();
        parts.push({ text: line.slice(i + 1, close), expand: false });
        i = close + 1;
        continue;
      }
      if (ch === '"') {
        flush();
        let j = i + 1;
        let text = '';
        while (j < line.length && line[j] !== '"') {
          if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) {
            // \$ stays literal; keep it out of expansion by splitting the part.
            if (text !== '') parts.push({ text, expand: true });
            text = '';
            parts.push({ text: line[j + 1]!, expand: false });
            j += 2;
            continue;
          }
          if (line[j] === '`' || (line[j] === '$' && line[j + 1] === '(')) {
            return { ok: false, message: 'pidsim: command substitution is not emulated', status: 2 };
          }
          text += line[j];
          j++;
        }
        if (j >= line.length) return { ok: false, message: 'bash: unexpected EOF while looking for matching `"\'', status: 2 };
        // An empty "" is still a word: keep a part so the word exists.
        parts.push({ text, expand: true });
        i = j + 1;
        continue;
      }
      plain += ch;
      i++;
    }
    flush();
    tokens.push({ kind: 'word', word: parts, start, end: i });
  }
  return { ok: true, tokens };
}
