// The shared option layer: how a declared command line is decoded (values,
// defaults, lists, `--`), what it refuses, the help it renders, and that
// every command's usage lines name only options it declares.

import { describe, expect, it } from 'vitest';
import { renderHelp, renderUsage } from '../../src/cli/command-help.js';
import { CommandUsageError, defineCommand, parseCommand } from '../../src/cli/command-spec.js';
import { COMMAND_NAMES, commandSpec } from '../../src/cli/pidsim-cli.js';

const SPEC = defineCommand({
  name: 'example',
  synopsis: ['FILE... [--depth N] [--mode fast|slow] [--tag T]... [--wait S] [--quiet] --out DIR'],
  arguments: { name: 'FILE', min: 1, max: 3, description: 'an input file' },
  options: {
    depth: { type: 'integer', value: 'N', min: 0, max: 32, default: 4, description: 'how deep' },
    mode: { type: 'choice', choices: ['fast', 'slow'], group: 'tuning', description: 'how it goes' },
    tag: { type: 'string', value: 'T', multiple: true, group: 'tuning', description: 'a tag' },
    wait: { type: 'seconds', value: 'S', min: 0.5, max: 10, defaultText: 'no waiting', description: 'how long to wait' },
    quiet: { type: 'flag', description: 'say less' },
    out: { type: 'string', value: 'DIR', required: true, description: 'where it goes' },
  },
  footer: 'exit status: 0 fine.',
});

function refusal(args: readonly string[]): string {
  try {
    parseCommand(SPEC, args);
  } catch (e) {
    if (e instanceof CommandUsageError) return e.message;
    throw e;
  }
  throw new Error(`${JSON.stringify(args)} was accepted`);
}

describe('parseCommand', () => {
  it('decodes values by their declared type, applies defaults, and tells the options given from the defaults', () => {
    const p = parseCommand(SPEC, ['a', '--mode=slow', '--wait', '1.5', 'b', '--tag', 'x', '--tag=y', '--quiet', '--out', 'd'])!;
    expect(p.options).toEqual({ depth: 4, mode: 'slow', tag: ['x', 'y'], wait: 1.5, quiet: true, out: 'd' });
    expect(p.args).toEqual(['a', 'b']);
    expect([...p.given].sort()).toEqual(['mode', 'out', 'quiet', 'tag', 'wait']);
    expect(parseCommand(SPEC, ['a', '--out', 'd'])!.options).toEqual({ depth: 4, tag: [], quiet: false, out: 'd' });
  });

  it('takes everything after -- as arguments, even what looks like an option or a help request', () => {
    expect(parseCommand(SPEC, ['--out', 'd', '--', '--help', '-x'])!.args).toEqual(['--help', '-x']);
  });

  it('returns null for -h or --help anywhere before --, without checking the rest', () => {
    expect(parseCommand(SPEC, ['-h'])).toBeNull();
    expect(parseCommand(SPEC, ['--depth', '99', '--frob', 'a', 'b', 'c', 'd', '--help'])).toBeNull();
  });

  it.each([
    [['a', '--out', 'd', '--frob'], 'unknown option "--frob"'],
    [['a', '--out', 'd', '-x'], 'unknown option "-x"'],
    [['a', '--out', 'd', '--frob=1'], 'unknown option "--frob"'],
    [['a', '--out', 'd', '--quiet=yes'], '--quiet takes no value, received "yes"'],
    [['a', '--out'], '--out needs a value, received nothing'],
    [['a', '--out', '--quiet'], '--out needs a value, received "--quiet"'],
    [['a', '--out='], '--out needs a value, received ""'],
    [['a', '--out', 'd', '--depth', '-1'], '--depth must be an integer from 0 to 32, received "-1"'],
    [['a', '--out', 'd', '--depth', '33'], '--depth must be an integer from 0 to 32, received "33"'],
    [['a', '--out', 'd', '--depth', '1e3'], '--depth must be an integer from 0 to 32, received "1e3"'],
    [['a', '--out', 'd', '--wait', '0.1'], '--wait must be a number of seconds from 0.5 to 10, received "0.1"'],
    [['a', '--out', 'd', '--wait', ' '], '--wait must be a number of seconds from 0.5 to 10, received " "'],
    [['a', '--out', 'd', '--mode', 'warp'], '--mode must be fast or slow, received "warp"'],
    [['a', '--out', 'd', '--depth', '1', '--depth', '2'], '--depth is given twice'],
    [['a', 'b', 'c', 'd', '--out', 'x'], 'unexpected argument "d" (example takes at most 3 FILE)'],
    [['--out', 'd'], 'FILE is missing: an input file'],
    [['a'], '--out DIR is required: where it goes'],
  ])('refuses %j: %s', (args, message) => {
    expect(refusal(args)).toBe(message);
  });

  it('refuses, at declaration, an option named help or not in kebab-case', () => {
    expect(() => defineCommand({ name: 'x', synopsis: [], options: { help: { type: 'flag', description: '' } } })).toThrow('defineCommand x: bad option name "help"');
    expect(() => defineCommand({ name: 'x', synopsis: [], options: { pidMax: { type: 'flag', description: '' } } })).toThrow('defineCommand x: bad option name "pidMax"');
  });
});

describe('the help a spec renders', () => {
  it('lists the usage, arguments, options by group with their values, ranges and defaults, then the footer', () => {
    expect(renderHelp(SPEC)).toBe(
      [
        'usage: pidsim example FILE... [--depth N] [--mode fast|slow] [--tag T]... [--wait S] [--quiet] --out DIR',
        '',
        'arguments:',
        '  FILE...               an input file',
        '',
        'options:',
        '  --depth N             how deep (0..32) (default 4)',
        '  --wait S              how long to wait (0.5..10) (default: no waiting)',
        '  --quiet               say less',
        '  --out DIR             where it goes (required)',
        '  -h, --help            this text',
        '',
        'tuning:',
        '  --mode fast|slow      how it goes',
        '  --tag T               a tag (may be repeated)',
        '',
        'exit status: 0 fine.',
        '',
      ].join('\n'),
    );
  });

  it('indents the usage lines after the first under it', () => {
    const spec = defineCommand({ name: 'two', synopsis: ['A', 'B'], options: {} });
    expect(renderUsage(spec)).toBe('usage: pidsim two A\n                  B\n');
  });
});

describe("every command's usage lines", () => {
  it.each(COMMAND_NAMES)('pidsim %s names only options it declares, and its help lists every option it declares', async (name) => {
    const spec = (await commandSpec(name))!;
    const named = spec.synopsis.join(' ').match(/--[a-z][a-z0-9-]*/g) ?? [];
    for (const flag of named) expect(Object.keys(spec.options), `${name}: ${flag}`).toContain(flag.slice(2));
    const help = renderHelp(spec);
    for (const option of Object.keys(spec.options)) expect(help, `${name}: --${option}`).toMatch(new RegExp(`^  --${option}( |$)`, 'm'));
  });
});
