// A command's help and usage text, made from its CommandSpec: the usage
// lines, what it does, its arguments and options (each with its value, its
// range or choices and its default), then the footer. `--help` and `pidsim
// help CMD` print the help on stdout; a usage error prints the usage lines
// under the message on stderr (docs/cli.md).

import { expectedValue, optionValueName, type CommandSpec, type OptionSpec, type OptionSpecs } from './command-spec.js';

/** The help text's width: descriptions wrap before it. */
const WIDTH = 100;
/** Where descriptions start; a longer label puts its description on the next line. */
const COLUMN = 24;

/** `usage: pidsim <name> ...`, continuation lines aligned under the first. */
export function renderUsage(spec: CommandSpec): string {
  const head = `usage: pidsim ${spec.name} `;
  return spec.synopsis.map((line, i) => `${i === 0 ? head : ' '.repeat(head.length)}${line}\n`).join('');
}

/** What the message of a usage error is followed by: the usage, and where the options are listed. */
export function renderUsageError(spec: CommandSpec, message: string): string {
  return `pidsim ${spec.name}: ${message}\n${renderUsage(spec)}(pidsim ${spec.name} --help lists the options)\n`;
}

/** Words into lines of at most `width` (a longer word stands alone); each unit stays on one line. */
function wrap(units: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of units) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `  LABEL   description...`, wrapped, continuation lines at COLUMN; each part of `tail` (the range, the default) stays whole. */
function entry(label: string, description: string, tail: readonly string[] = []): string {
  const lines = wrap([...description.split(/\s+/).filter(Boolean), ...tail], WIDTH - COLUMN);
  const first = label.length + 2 <= COLUMN - 1 ? `  ${label.padEnd(COLUMN - 2)}${lines.shift() ?? ''}` : `  ${label}`;
  return [first.trimEnd(), ...lines.map((l) => `${' '.repeat(COLUMN)}${l}`)].join('\n') + '\n';
}

/** What the help adds after an option's description: its range, its default, whether it is required or repeatable. */
function tailOf(o: OptionSpec): string[] {
  const tail: string[] = [];
  if ((o.type === 'integer' && o.expected === undefined) || o.type === 'seconds') tail.push(o.max === undefined ? `(at least ${o.min})` : `(${o.min}..${o.max})`);
  const shown = o.defaultText ?? (o.type !== 'flag' && o.default !== undefined ? String(o.default) : undefined);
  if (shown !== undefined) tail.push(/\s/.test(shown) ? `(default: ${shown})` : `(default ${shown})`);
  if (o.required) tail.push('(required)');
  if (o.type === 'string' && o.multiple) tail.push('(may be repeated)');
  return tail;
}

/** `--name VALUE`, or `--name` for a flag. */
function labelOf(name: string, o: OptionSpec): string {
  return o.type === 'flag' ? `--${name}` : `--${name} ${optionValueName(o)}`;
}

/** The whole help of a command. */
export function renderHelp(spec: CommandSpec): string {
  let text = renderUsage(spec);
  if (spec.about) text += `\n${spec.about.trimEnd()}\n`;
  if (spec.arguments) text += `\narguments:\n${entry(spec.arguments.name + (spec.arguments.max > 1 ? '...' : ''), spec.arguments.description)}`;
  const groups = new Map<string, string[]>();
  const add = (group: string, line: string): void => void groups.set(group, [...(groups.get(group) ?? []), line]);
  const options: OptionSpecs = spec.options;
  // Ungrouped options come first, under "options".
  if (Object.values(options).some((o) => o.group === undefined)) groups.set('options', []);
  for (const [name, o] of Object.entries(options)) {
    // A choice named by a word (`--transport T`) lists its choices; `--transport inline|threads` already does.
    const choices = o.type === 'choice' && o.value !== undefined ? [`(${expectedValue(o)})`] : [];
    add(o.group ?? 'options', entry(labelOf(name, o), o.description, [...choices, ...tailOf(o)]));
  }
  add(groups.has('options') ? 'options' : [...groups.keys()].at(-1) ?? 'options', entry('-h, --help', 'this text'));
  for (const [group, lines] of groups) text += `\n${group}:\n${lines.join('')}`;
  if (spec.footer) text += `\n${spec.footer.trimEnd()}\n`;
  return text;
}
