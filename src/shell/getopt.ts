// This file implements option parsing as glibc's getopt_long() does it for
// the util-linux and coreutils tools the shell emulates: bundled short
// options (-pf), attached or separate arguments (-t 5, -t5, --target=5),
// unambiguous long prefixes (--mount-p), `--`, and glibc's exact messages
// for a bad option ("unrecognized option '--x'", "invalid option -- 'x'").

export interface OptionSpec {
  /** What the caller gets back for this option. */
  readonly id: string;
  readonly short?: string;
  readonly long?: string;
  /** 'optional' arguments attach only: `-p/path` or `--pid=/path`, as getopt_long wants them. */
  readonly arg?: 'none' | 'required' | 'optional';
  /** The short form's argument when it differs from the long one's (unshare: `-p` takes none, `--pid[=file]` one). */
  readonly shortArg?: 'none' | 'required' | 'optional';
}

export interface ParsedOption {
  readonly id: string;
  readonly value?: string;
}

export type GetoptResult =
  | { readonly ok: true; readonly options: readonly ParsedOption[]; readonly operands: readonly string[] }
  | { readonly ok: false; readonly message: string };

export interface GetoptMode {
  /**
   * 'stop' (a leading '+' in the optstring, as util-linux tools use): the
   * first operand ends the options, so `unshare --fork nohup sleep 1` runs
   * nohup with its own options untouched. 'permute': GNU's default, options
   * may follow operands.
   */
  readonly order: 'stop' | 'permute';
}

/** Parses argv[1..] against `specs`; a failure carries glibc's message (without the tool's "Try ... --help" line). */
export function getopt(prog: string, argv: readonly string[], specs: readonly OptionSpec[], mode: GetoptMode): GetoptResult {
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  let i = 1;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const spec = findLong(specs, name);
      if (spec === 'ambiguous') {
        const names = specs.filter((s) => s.long?.startsWith(name)).map((s) => `'--${s.long}'`);
        return { ok: false, message: `${prog}: option '--${name}' is ambiguous; possibilities: ${names.join(' ')}` };
      }
      if (!spec) return { ok: false, message: `${prog}: unrecognized option '${eq < 0 ? a : a.slice(0, eq)}'` };
      const arg = spec.arg ?? 'none';
      if (eq >= 0) {
        if (arg === 'none') return { ok: false, message: `${prog}: option '--${spec.long}' doesn't allow an argument` };
        options.push({ id: spec.id, value: a.slice(eq + 1) });
      } else if (arg === 'required') {
        if (i + 1 >= argv.length) return { ok: false, message: `${prog}: option '--${spec.long}' requires an argument` };
        options.push({ id: spec.id, value: argv[++i]! });
      } else {
        options.push({ id: spec.id });
      }
      i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const spec = specs.find((s) => s.short === c);
        if (!spec) return { ok: false, message: `${prog}: invalid option -- '${c}'` };
        const arg = spec.shortArg ?? spec.arg ?? 'none';
        if (arg === 'none') {
          options.push({ id: spec.id });
          continue;
        }
        const rest = a.slice(j + 1);
        if (rest !== '') options.push({ id: spec.id, value: rest });
        else if (arg === 'optional') options.push({ id: spec.id });
        else if (i + 1 < argv.length) options.push({ id: spec.id, value: argv[++i]! });
        else return { ok: false, message: `${prog}: option requires an argument -- '${c}'` };
        break;
      }
      i++;
      continue;
    }
    if (mode.order === 'stop') {
      operands.push(...argv.slice(i));
      break;
    }
    operands.push(a);
    i++;
  }
  return { ok: true, options, operands };
}

/** An exact long name wins; otherwise a prefix must name exactly one option. */
function findLong(specs: readonly OptionSpec[], name: string): OptionSpec | 'ambiguous' | undefined {
  const exact = specs.find((s) => s.long === name);
  if (exact) return exact;
  if (name === '') return undefined;
  const candidates = specs.filter((s) => s.long?.startsWith(name));
  if (candidates.length === 1) return candidates[0];
  return candidates.length > 1 ? 'ambiguous' : undefined;
}
