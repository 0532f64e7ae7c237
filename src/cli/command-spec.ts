// The one option layer of every `pidsim` command: a command declares its
// options and arguments once (a CommandSpec), and parseCommand decodes and
// validates its command line from that declaration; its help and usage text
// come from the same declaration (command-help.ts), and runCommand
// (command-entry.ts) turns a bad command line into `pidsim CMD: ...`, the
// usage and exit 2. The convention is written down in docs/cli.md.

import { parseArgs } from 'node:util';

interface OptionBase {
  /** One phrase for the help text: what the option does. */
  readonly description: string;
  /** The help text's section for it ("workload", "output"); none: "options". */
  readonly group?: string;
  /** A default the help text states in words because no value stands for it ("the CPU count"). */
  readonly defaultText?: string;
  /** Absent: a usage error naming the option and its description. */
  readonly required?: boolean;
}

/** `--name`, no value: true when given, false otherwise. */
export interface FlagOption extends OptionBase {
  readonly type: 'flag';
}

/** `--name VALUE`: any non-empty text; the command checks what it means. */
export interface StringOption extends OptionBase {
  readonly type: 'string';
  /** The value's name in the help text (`FILE`, `URL`). */
  readonly value: string;
  /** May be given more than once: the values in order (an empty list when absent). */
  readonly multiple?: boolean;
  readonly default?: string;
}

/** `--name N`: a non-negative decimal integer in [min, max]. */
export interface IntegerOption extends OptionBase {
  readonly type: 'integer';
  readonly value: string;
  readonly min: number;
  readonly max?: number;
  /** Replaces "an integer from MIN to MAX" in the error and the help text. */
  readonly expected?: string;
  readonly default?: number;
}

/** `--name S`: a number of seconds (fractions allowed) in [min, max]. */
export interface SecondsOption extends OptionBase {
  readonly type: 'seconds';
  readonly value: string;
  readonly min: number;
  readonly max: number;
  readonly default?: number;
}

/** `--name a|b`: one of a fixed list of words. */
export interface ChoiceOption<C extends string = string> extends OptionBase {
  readonly type: 'choice';
  readonly choices: readonly C[];
  /** The value's name in the help text; default: the choices joined by `|`. */
  readonly value?: string;
  readonly default?: C;
}

export type OptionSpec = FlagOption | StringOption | IntegerOption | SecondsOption | ChoiceOption;

/** Options by their long name, without the dashes (`'pid-max'`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The positional arguments: `min` to `max` of them, called `name` in the help text. */
export interface ArgumentSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** The subcommand: `pidsim <name>`. */
  readonly name: string;
  /** The usage lines after `usage: pidsim <name> `, continuation lines indented by the renderer. */
  readonly synopsis: readonly string[];
  /** What the command does, for its help (a paragraph or two). */
  readonly about?: string;
  readonly arguments?: ArgumentSpec;
  readonly options: O;
  /** Ends the help: exit status and the like. */
  readonly footer?: string;
}

/** Declares a command; `const` keeps the option literals, so parsed values get their types. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> {
  for (const name of Object.keys(spec.options)) {
    if (name === 'help' || !/^[a-z][a-z0-9-]*$/.test(name)) throw new TypeError(`defineCommand ${spec.name}: bad option name ${JSON.stringify(name)}`);
  }
  return spec;
}

/** A command line that cannot run: the message says what was wrong and echoes the value received. */
export class CommandUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandUsageError';
  }
}

type ValueOf<O> = O extends FlagOption ? boolean : O extends IntegerOption | SecondsOption ? number : O extends { readonly choices: readonly (infer C)[] } ? C : string;
type Slot<O> = O extends { readonly multiple: true } ? ValueOf<O>[] : ValueOf<O>;
/** Options that always have a value after parsing: flags, lists, those with a default and the required ones. */
type Present<O> = O extends FlagOption | { readonly multiple: true } | { readonly default: unknown } | { readonly required: true } ? true : false;

export type OptionValues<S extends OptionSpecs> = {
  readonly [K in keyof S as Present<S[K]> extends true ? K : never]: Slot<S[K]>;
} & {
  readonly [K in keyof S as Present<S[K]> extends true ? never : K]?: Slot<S[K]>;
};

export interface ParsedCommand<S extends OptionSpecs> {
  readonly options: OptionValues<S>;
  /** The positional arguments, in order. */
  readonly args: readonly string[];
  /** The options given on the command line (names without dashes), defaults aside. */
  readonly given: ReadonlySet<string>;
}

/** "a, b or c". */
export function oneOf(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** What a valued option's value must be, as the error and the help text say it. */
export function expectedValue(o: IntegerOption | SecondsOption | ChoiceOption): string {
  if (o.type === 'choice') return oneOf(o.choices);
  if (o.type === 'integer' && o.expected !== undefined) return o.expected;
  const what = o.type === 'integer' ? 'an integer' : 'a number of seconds';
  return o.max === undefined ? `${what}, at least ${o.min}` : `${what} from ${o.min} to ${o.max}`;
}

function decodeValue(flag: string, o: Exclude<OptionSpec, FlagOption>, text: string): string | number {
  const bad = (): CommandUsageError => new CommandUsageError(`${flag} must be ${expectedValue(o as IntegerOption | SecondsOption | ChoiceOption)}, received ${JSON.stringify(text)}`);
  switch (o.type) {
    case 'string':
      return text;
    case 'choice':
      if (!o.choices.includes(text)) throw bad();
      return text;
    case 'integer': {
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n) || n < o.min || (o.max !== undefined && n > o.max)) throw bad();
      return n;
    }
    case 'seconds': {
      const n = text.trim() === '' ? NaN : Number(text);
      if (!Number.isFinite(n) || n < o.min || n > o.max) throw bad();
      return n;
    }
  }
}

/**
 * Decodes `args` (what follows `pidsim <name>`) by `spec`: null when they
 * ask for help (`-h`/`--help` anywhere before `--`: nothing else is
 * checked, so a help request never fails), else the values. Throws a
 * CommandUsageError at the first thing wrong: an unknown option, a value
 * missing or where none is taken, a bad value, an option given twice that
 * is not a list, a missing required option, too few or too many arguments.
 *
 * Node's util.parseArgs splits the words (`--a=b`, `-h`, `--`); it runs
 * non-strict because its strict errors neither name the command nor echo
 * values as ours do, and refuse `--depth -1` as "ambiguous" where the
 * range is the useful thing to say.
 */
export function parseCommand<S extends OptionSpecs>(spec: CommandSpec<S>, args: readonly string[]): ParsedCommand<S> | null {
  const nodeOptions: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) nodeOptions[name] = { type: o.type === 'flag' ? 'boolean' : 'string' };
  const { tokens } = parseArgs({ args: [...args], options: nodeOptions, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return null;
  const values = new Map<string, unknown>();
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    const o = Object.hasOwn(spec.options, t.name) ? spec.options[t.name] : undefined;
    // rawName is what was typed (`--frob`, or `-x` of `-xyz`).
    if (o === undefined || t.rawName !== `--${t.name}`) throw new CommandUsageError(`unknown option ${JSON.stringify(t.rawName)}`);
    const flag = t.rawName;
    if (o.type === 'flag') {
      if (t.inlineValue) throw new CommandUsageError(`${flag} takes no value, received ${JSON.stringify(t.value)}`);
      if (values.has(t.name)) throw new CommandUsageError(`${flag} is given twice`);
      values.set(t.name, true);
      continue;
    }
    const text = t.value;
    if (text === undefined) throw new CommandUsageError(`${flag} needs a value, received nothing`);
    // `--out --quick`: the next word is another option, not this one's value. A number may be
    // negative-looking (`--depth -1` is better told its range); `--out=-x` passes any text.
    if (text === '' || (!t.inlineValue && text.startsWith('-') && text !== '-' && o.type !== 'integer' && o.type !== 'seconds')) {
      throw new CommandUsageError(`${flag} needs a value, received ${JSON.stringify(text)}`);
    }
    const value = decodeValue(flag, o, text);
    if (o.type === 'string' && o.multiple) {
      values.set(t.name, [...((values.get(t.name) as string[] | undefined) ?? []), value]);
      continue;
    }
    if (values.has(t.name)) throw new CommandUsageError(`${flag} is given twice`);
    values.set(t.name, value);
  }
  const a = spec.arguments;
  const max = a?.max ?? 0;
  if (positionals.length > max) {
    const takes = max === 0 ? 'no arguments' : max === 1 ? `one ${a!.name}` : `at most ${max} ${a!.name}`;
    throw new CommandUsageError(`unexpected argument ${JSON.stringify(positionals[max])} (${spec.name} takes ${takes})`);
  }
  if (a && positionals.length < a.min) throw new CommandUsageError(`${a.name} is missing: ${a.description}`);
  const given = new Set(values.keys());
  for (const [name, o] of Object.entries(spec.options)) {
    if (values.has(name)) continue;
    if (o.required) throw new CommandUsageError(`--${name}${o.type === 'flag' ? '' : ` ${optionValueName(o)}`} is required: ${o.description}`);
    if (o.type === 'flag') values.set(name, false);
    else if (o.type === 'string' && o.multiple) values.set(name, []);
    else if (o.default !== undefined) values.set(name, o.default);
  }
  return { options: Object.fromEntries(values) as OptionValues<S>, args: positionals, given };
}

/** The value's name in the help text: `N`, `FILE`, `inline|threads`. */
export function optionValueName(o: Exclude<OptionSpec, FlagOption>): string {
  return o.type === 'choice' ? (o.value ?? o.choices.join('|')) : o.value;
}
