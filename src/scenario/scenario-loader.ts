// Reads a scenario file (JSON or YAML), validates it once, and reports what
// is wrong with messages that name the field and echo the value received:
// `fork-basic.yaml: steps[3].sig: a signal ...; received "TREM"`.

import { readFile, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { scenarioSchema, stepSchema, type Scenario, type Step } from './scenario-schema.js';
import { VARIANT_NAMES, VARIANT_VALUES, type VariantName } from '../index.js';
import { catalogueItemIds } from './semantics-catalogue.js';

/** A scenario file that cannot be used; `message` names the file, the field and the value. */
export class ScenarioError extends Error {
  readonly source: string;
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(problems.map((p) => `${source}: ${p}`).join('\n'));
    this.name = 'ScenarioError';
    this.source = source;
    this.problems = problems;
  }
}

const EXTENSIONS: Readonly<Record<string, 'json' | 'yaml'>> = { '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml' };

/** Reads and validates one scenario file. */
export async function loadScenario(file: string): Promise<Scenario> {
  const format = EXTENSIONS[extname(file).toLowerCase()];
  if (!format) throw new ScenarioError(file, [`unknown file type ${JSON.stringify(extname(file))}: a scenario is a .json, .yaml or .yml file`]);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(file, [`cannot read: ${(e as Error).message}`]);
  }
  return parseScenario(text, file, format);
}

/** Every scenario file of a directory, by file name; names must be unique. */
export async function loadScenarioDir(dir: string): Promise<Scenario[]> {
  const files = (await readdir(dir)).filter((f) => EXTENSIONS[extname(f).toLowerCase()]).sort();
  const scenarios = await Promise.all(files.map((f) => loadScenario(join(dir, f))));
  const seen = new Map<string, string>();
  for (const s of scenarios) {
    const other = seen.get(s.name);
    if (other) throw new ScenarioError(s.source, [`name: ${JSON.stringify(s.name)} is already the name of ${basename(other)}`]);
    seen.set(s.name, s.source);
  }
  return scenarios;
}

/** Parses scenario text; `source` names it in messages. */
export function parseScenario(text: string, source: string, format: 'json' | 'yaml'): Scenario {
  let input: unknown;
  try {
    input = format === 'json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    const first = ((e as Error).message.split('\n')[0] ?? '').trim();
    // The parser's own recursion gave out: say what the file did, not what the stack did.
    if (e instanceof RangeError || /Maximum call stack/.test(first)) {
      throw new ScenarioError(source, [`nested more than ${MAX_NESTING} levels deep${where} (lists and mappings inside each other); a scenario needs a handful`]);
    }
    throw new ScenarioError(source, [`not valid ${format.toUpperCase()}${where}: ${first}`]);
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ScenarioError(source, [`a scenario is a mapping with name and steps; received ${describe(input)}`]);
  }
  const depth = nestingDepth(input, MAX_NESTING);
  if (depth > MAX_NESTING) {
    throw new ScenarioError(source, [`nested more than ${MAX_NESTING} levels deep (lists and mappings inside each other); a scenario needs a handful`]);
  }
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) throw new ScenarioError(source, parsed.error.issues.slice(0, 8).map((i) => explainIssue(i, input)));
  const scenario: Scenario = { ...parsed.data, root: parsed.data.root ?? 'init', source };
  const problems = [...checkCatalogue(scenario), ...checkReferences(scenario)];
  if (problems.length > 0) throw new ScenarioError(source, problems);
  return scenario;
}

/** Deeper than any scenario needs, shallow enough that validation never exhausts the stack. */
const MAX_NESTING = 64;

/** How deep lists and mappings nest in `input`, counted without recursion, stopping past `limit`. */
function nestingDepth(input: unknown, limit: number): number {
  let deepest = 0;
  const todo: [unknown, number][] = [[input, 1]];
  while (todo.length > 0) {
    const [v, d] = todo.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > deepest) deepest = d;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) todo.push([child, d + 1]);
  }
  return deepest;
}

/** `steps[3].sig` from ['steps', 3, 'sig']. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? String(k) : `.${String(k)}`;
  return out === '' ? '(the scenario)' : out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function allowedFields(op: unknown): string[] | undefined {
  const schema = stepSchema.options.find((o) => o.shape.op.value === op);
  return schema ? Object.keys(schema.shape) : undefined;
}

function explainIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const field = fieldPath(issue.path);
  const value = valueAt(input, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const owner = valueAt(input, issue.path) as Record<string, unknown>;
    const list = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    // variants: { NAME: { VALUE: ... } }: name the kernel variants, or the values of one.
    if (issue.path[issue.path.length - 1] === 'variants') return `${field}: unknown kernel variant${issue.keys.length > 1 ? 's' : ''} ${list} (known: ${VARIANT_NAMES.join(', ')})`;
    const variant = issue.path[issue.path.length - 2] === 'variants' ? String(issue.path[issue.path.length - 1]) : undefined;
    if (variant !== undefined && variant in VARIANT_VALUES) {
      return `${field}: ${list} is not a value of kernel variant ${variant} (one of ${VARIANT_VALUES[variant as VariantName].join(', ')})`;
    }
    const allowed = issue.path[0] === 'steps' && issue.path.length === 2 ? allowedFields(owner?.['op']) : undefined;
    const op = String(owner?.['op']);
    const article = /^[aeiou]/.test(op) ? 'an' : 'a';
    return `${field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${list}${allowed ? ` (${article} ${op} step takes ${allowed.join(', ')})` : ''}`;
  }
  let message = issue.message.replace(/^Invalid input: /, '');
  if (value === undefined) return `${field}: missing (expected ${message.replace(/, received undefined$/, '').replace(/^expected /, '')})`;
  return `${field}: ${message}; received ${describe(value)}`;
}

/** Every item `semantics` names must be in the catalogue that ships with pidsim (docs/semantics.md). */
function checkCatalogue(s: Scenario): string[] {
  if (!s.semantics) return [];
  const known = catalogueItemIds();
  return s.semantics.flatMap((item, i) => (known.has(item) ? [] : [`semantics[${i}]: item ${JSON.stringify(item)} is not in the catalogue docs/semantics.md`]));
}

/**
 * What the schema cannot see: a step's process must have been named by an
 * earlier fork (or be the root), names are unique, a setns handle must have
 * been opened earlier, and exactly one way of naming a namespace is used.
 */
function checkReferences(s: Scenario): string[] {
  const problems: string[] = [];
  const procs = new Map<string, string>([[s.root, 'root']]);
  const handles = new Set<string>();
  const known = (v: unknown): boolean => typeof v !== 'string' || v === 'self' || procs.has(v);
  s.steps.forEach((step: Step, i) => {
    const at = `steps[${i}]`;
    if (step.expect !== undefined && step.expectOneOf !== undefined) problems.push(`${at}: give expect or expectOneOf, not both`);
    if (step.op !== 'sleep' && !procs.has(step.by)) {
      problems.push(`${at}.by: no process named ${JSON.stringify(step.by)} exists before this step (the root is ${JSON.stringify(s.root)}; a fork step's \`as\` names the others)`);
    }
    for (const key of ['pid', 'pgid', 'target'] as const) {
      const v = (step as Record<string, unknown>)[key];
      if (!known(v)) problems.push(`${at}.${key}: no process named ${JSON.stringify(v)} exists before this step`);
    }
    if (step.op === 'sigaction') {
      (step.do ?? []).forEach((d, j) => {
        if ('kill' in d && !known(d.kill)) problems.push(`${at}.do[${j}].kill: no process named ${JSON.stringify(d.kill)} exists before this step`);
      });
    }
    if ((step.op === 'kill' || step.op === 'wait') && step.group && typeof step.pid === 'number' && step.pid <= 0) {
      problems.push(`${at}.group: needs a process group id > 0 or a process name in \`pid\`; received pid ${step.pid}`);
    }
    if (step.op === 'setns') {
      if ((step.ns === undefined) === (step.target === undefined)) problems.push(`${at}: a setns step takes either \`ns\` (a handle) or \`target\` (a process), not ${step.ns === undefined ? 'neither' : 'both'}`);
      if (step.ns !== undefined && !handles.has(step.ns)) problems.push(`${at}.ns: no namespace handle named ${JSON.stringify(step.ns)} is opened (open_ns ... as) before this step`);
      if (step.ns !== undefined && step.which !== undefined) problems.push(`${at}.which: only with \`target\`; a handle already says which namespace it is`);
    }
    if (step.op === 'open_ns') handles.add(step.as);
    // A handler's fork names a process that exists once the signal is delivered.
    if (step.op === 'sigaction') {
      for (const d of step.do ?? []) {
        if (!('fork' in d)) continue;
        const prior = procs.get(d.fork);
        if (prior) problems.push(`${at}.do: the name ${JSON.stringify(d.fork)} is already taken (by ${prior})`);
        else procs.set(d.fork, `${at}.do`);
      }
    }
    if (step.op === 'fork') {
      const prior = procs.get(step.as);
      if (prior) problems.push(`${at}.as: the name ${JSON.stringify(step.as)} is already taken (by ${prior})`);
      else procs.set(step.as, at);
    }
  });
  return problems;
}
