// The shell grammar the emulated terminal understands, and glibc getopt_long
// as the emulated tools parse their options with it.

import { describe, expect, it } from 'vitest';
import { getopt, parseCommandLine, type OptionSpec } from '../../src/shell/index.js';

function words(line: string): string[][] {
  const r = parseCommandLine(line);
  if (!r.ok) throw new Error(r.message);
  return r.commands.map((c) => c.words.map((w) => w.map((p) => p.text).join('')));
}

describe('parseCommandLine', () => {
  it('splits words, keeps quoted text whole, and drops comments', () => {
    expect(words(`echo 'a b' "c d" e\\ f # comment`)).toEqual([['echo', 'a b', 'c d', 'e f']]);
  });

  it('ends a command at ; & && || and remembers how it joins the previous one', () => {
    const r = parseCommandLine('sleep 1 & echo a; false && echo b || echo c');
    expect(r.ok && r.commands.map((c) => [c.text, c.background, c.connector])).toEqual([
      ['sleep 1', true, null],
      ['echo a', false, ';'],
      ['false', false, ';'],
      ['echo b', false, '&&'],
      ['echo c', false, '||'],
    ]);
  });

  it('leaves $ in single quotes alone and marks the rest for expansion', () => {
    const r = parseCommandLine(`echo '$$' "$$" $$`);
    expect(r.ok && r.commands[0]!.words.slice(1).map((w) => w.map((p) => p.expand))).toEqual([[false], [true], [true]]);
  });

  it('refuses what it does not emulate, and reports bash syntax errors', () => {
    expect(parseCommandLine('ps | grep x')).toMatchObject({ ok: false, status: 2 });
    expect(parseCommandLine('echo $(id)')).toMatchObject({ ok: false, message: 'pidsim: command substitution is not emulated' });
    expect(parseCommandLine('; echo')).toMatchObject({ ok: false, message: "bash: syntax error near unexpected token `;'" });
    expect(parseCommandLine('echo ;;')).toMatchObject({ ok: false, message: "bash: syntax error near unexpected token `;;'" });
    expect(parseCommandLine('echo a &&')).toMatchObject({ ok: false, message: 'bash: syntax error: unexpected end of file' });
  });
});

const SPECS: readonly OptionSpec[] = [
  { id: 'fork', short: 'f', long: 'fork' },
  { id: 'pid', short: 'p', long: 'pid', arg: 'optional', shortArg: 'none' },
  { id: 'mount', short: 'm', long: 'mount', arg: 'optional' },
  { id: 'mount-proc', long: 'mount-proc', arg: 'optional' },
  { id: 'target', short: 't', long: 'target', arg: 'required' },
];

describe('getopt', () => {
  it('takes bundled short options, attached and separate arguments, and unambiguous long prefixes', () => {
    expect(getopt('x', ['x', '-pf', '-t5', '--target', '6', '--mount-p', '--pid=/f', 'cmd', '-z'], SPECS, { order: 'stop' })).toEqual({
      ok: true,
      options: [{ id: 'pid' }, { id: 'fork' }, { id: 'target', value: '5' }, { id: 'target', value: '6' }, { id: 'mount-proc' }, { id: 'pid', value: '/f' }],
      operands: ['cmd', '-z'],
    });
  });

  it('gives an optional argument to a short option only when attached', () => {
    expect(getopt('x', ['x', '-m/f', '-m', 'a'], SPECS, { order: 'stop' })).toEqual({ ok: true, options: [{ id: 'mount', value: '/f' }, { id: 'mount' }], operands: ['a'] });
  });

  it('in permute order takes options after operands, and -- ends them', () => {
    expect(getopt('x', ['x', 'a', '-f', '--', '-p'], SPECS, { order: 'permute' })).toEqual({ ok: true, options: [{ id: 'fork' }], operands: ['a', '-p'] });
  });

  it("words its errors as glibc's getopt_long does", () => {
    const err = (...argv: string[]): string => {
      const r = getopt('unshare', ['unshare', ...argv], SPECS, { order: 'stop' });
      return r.ok ? 'ok' : r.message;
    };
    expect(err('--bogus')).toBe("unshare: unrecognized option '--bogus'");
    expect(err('--bogus=1')).toBe("unshare: unrecognized option '--bogus'");
    expect(err('-x')).toBe("unshare: invalid option -- 'x'");
    expect(err('-t')).toBe("unshare: option requires an argument -- 't'");
    expect(err('--target')).toBe("unshare: option '--target' requires an argument");
    expect(err('--fork=1')).toBe("unshare: option '--fork' doesn't allow an argument");
    expect(err('--mo')).toBe("unshare: option '--mo' is ambiguous; possibilities: '--mount' '--mount-proc'");
  });
});
