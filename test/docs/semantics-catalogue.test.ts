// docs/semantics.md cannot go stale: every catalogue item a scenario or a test
// cites exists, and each item's Scenarios and Tests lines name exactly the
// scenarios (their `semantics:` field) and test files (a title starting with
// the item number, or the words "SEMANTICS 4.3") that cite it. An item not
// emulated may not be cited by a scenario; an emulated one must be covered.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cataloguePath, loadScenarioDir, parseCatalogue } from '../../src/scenario/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const THIS_FILE = 'test/docs/semantics-catalogue.test.ts';

/** A test title that starts with an item number: it('4.3 from an ancestor ...'). */
const TITLE = /\b(?:it|test|describe)(?:\.\w+)*\(\s*['"`](\d+\.\d+)\s/g;
/** "SEMANTICS 4.3", "SEMANTICS 2.2, 2.5", "SEMANTICS 6.1-6.5". */
const WORDS = /SEMANTICS\s+(\d+\.\d+(?:\s*(?:,|-|–|and)\s*\d+\.\d+)*)/g;

function expandList(list: string): string[] {
  return list.split(/\s*(?:,|\band\b)\s*/).flatMap((part) => {
    const range = /^(\d+)\.(\d+)\s*[-–]\s*(\d+)\.(\d+)$/.exec(part.trim());
    if (range && range[1] === range[3]) {
      const out: string[] = [];
      for (let i = Number(range[2]); i <= Number(range[4]); i++) out.push(`${range[1]}.${i}`);
      return out;
    }
    return [part.trim()];
  });
}

/** The catalogue items a test file's text cites. */
function itemsCitedBy(text: string): Set<string> {
  const items = new Set<string>();
  for (const m of text.matchAll(TITLE)) items.add(m[1]!);
  for (const m of text.matchAll(WORDS)) for (const i of expandList(m[1]!)) items.add(i);
  return items;
}

/** Every test file of the repository, relative to its root, with '/' separators. */
function testFiles(): string[] {
  const roots = ['test', ...readdirSync(join(ROOT, 'packages')).map((p) => join('packages', p, 'test'))];
  return roots
    .flatMap((r) => {
      try {
        return (readdirSync(join(ROOT, r), { recursive: true }) as string[]).map((f) => join(r, f));
      } catch {
        return [];
      }
    })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => f.split(sep).join('/'))
    .filter((f) => f !== THIS_FILE)
    .sort();
}

type Citations = ReadonlyMap<string, ReadonlySet<string>>;

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();
const line = (field: string, names: readonly string[]): string => `- ${field}: ${names.length === 0 ? 'none' : names.map((n) => `\`${n}\``).join(', ')}`;

/** What is wrong with the catalogue text, given who cites what (scenario name -> items, test file -> items). */
function catalogueProblems(text: string, scenarios: Citations, tests: Citations): string[] {
  const problems: string[] = [];
  const items = parseCatalogue(text);
  const byId = new Map(items.map((i) => [i.id, i]));
  if (byId.size !== items.length) problems.push(`items appear twice: ${items.filter((i, n) => items.findIndex((j) => j.id === i.id) !== n).map((i) => i.id).join(', ')}`);
  const citing = (cites: Citations, id: string): string[] => sorted([...cites].filter(([, is]) => is.has(id)).map(([who]) => who));
  for (const [kind, cites] of [['scenario', scenarios], ['test file', tests]] as const) {
    for (const [who, is] of cites) for (const id of is) if (!byId.has(id)) problems.push(`${kind} ${who} cites item ${id}, which docs/semantics.md does not have`);
  }
  for (const item of items) {
    const at = `item ${item.id}`;
    if (item.status === null) problems.push(`${at}: no "- Status:" line with a known status`);
    for (const [field, listed, cites] of [['Scenarios', item.scenarios, scenarios], ['Tests', item.tests, tests]] as const) {
      const actual = citing(cites, item.id);
      if (listed === null) problems.push(`${at}: no "- ${field}:" line; write \`${line(field, actual)}\``);
      else if (sorted(listed).join(' ') !== actual.join(' ')) problems.push(`${at}: the ${field} line is stale; write \`${line(field, actual)}\``);
    }
    const covered = citing(scenarios, item.id).length + citing(tests, item.id).length > 0;
    if ((item.status === 'not emulated yet' || item.status === 'not emulated') && citing(scenarios, item.id).length > 0) {
      problems.push(`${at} is marked "${item.status}" but scenarios cite it (they pass on pidsim): ${citing(scenarios, item.id).join(', ')}`);
    }
    if ((item.status === 'emulated' || item.status === 'emulated as a kernel variant') && !covered) {
      problems.push(`${at} is marked "${item.status}" but no test or scenario cites it`);
    }
  }
  return problems;
}

const doc = readFileSync(cataloguePath(), 'utf8');
const scenarioCites: Citations = new Map(
  (await loadScenarioDir(join(ROOT, 'test/scenarios'))).map((s) => [s.name, new Set(s.semantics ?? [])]),
);
const testCites: Citations = new Map(testFiles().map((f) => [f, itemsCitedBy(readFileSync(join(ROOT, f), 'utf8'))]));

describe('docs/semantics.md', () => {
  it('is the file the scenario loader reads', () => {
    expect(relative(ROOT, cataloguePath()).split(sep).join('/')).toBe('docs/semantics.md');
  });

  it('has every item cited anywhere, and coverage lists that name exactly who cites each item', () => {
    expect(catalogueProblems(doc, scenarioCites, testCites)).toEqual([]);
  });

  it('numbers its items in groups 1-8, each from .1 up without gaps (tests and scenarios cite these numbers)', () => {
    const ids = parseCatalogue(doc).map((i) => i.id);
    expect(ids.length).toBeGreaterThanOrEqual(85);
    const groups = new Map<number, number[]>();
    for (const id of ids) {
      const [g, n] = id.split('.').map(Number) as [number, number];
      groups.set(g, [...(groups.get(g) ?? []), n]);
    }
    expect([...groups.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const ns of groups.values()) expect(ns).toEqual(ns.map((_, i) => i + 1));
  });

  it('reads citations in titles, in "SEMANTICS" lists and ranges, and nowhere else', () => {
    const text = [
      "it('4.3 from an ancestor namespace SIGKILL kills a container init', ...)",
      "describe('SEMANTICS 8.9: util-linux unshare', ...)",
      "it('unshare --pid without --fork (SEMANTICS 2.2, 2.5)', ...)",
      '// teardown (SEMANTICS 6.1-6.3)',
      "it('runs 1.5x faster on 6.18', ...)",
    ].join('\n');
    expect(sorted(itemsCitedBy(text))).toEqual(['2.2', '2.5', '4.3', '6.1', '6.2', '6.3', '8.9']);
  });

  it('fails when a list drifts, an item is missing, or a status contradicts the scenarios', () => {
    expect(catalogueProblems(doc.replace('- Scenarios: `max-pid-namespaces-user-ns`\n', '- Scenarios: none\n'), scenarioCites, testCites)).toEqual([
      'item 2.12: the Scenarios line is stale; write `- Scenarios: `max-pid-namespaces-user-ns``',
    ]);
    const withCitation = new Map([...testCites, ['test/extra.test.ts', new Set(['4.3', '4.99'])]]);
    expect(catalogueProblems(doc, scenarioCites, withCitation)).toEqual([
      'test file test/extra.test.ts cites item 4.99, which docs/semantics.md does not have',
      'item 4.3: the Tests line is stale; write `- Tests: `test/conformance/signals.test.ts`, `test/extra.test.ts``',
    ]);
    const claimed = new Map([...scenarioCites, ['sockets-scenario', new Set(['3.12'])]]);
    expect(catalogueProblems(doc, claimed, testCites)).toEqual([
      'item 3.12: the Scenarios line is stale; write `- Scenarios: `sockets-scenario``',
      'item 3.12 is marked "not emulated yet" but scenarios cite it (they pass on pidsim): sockets-scenario',
    ]);
    const uncovered = doc.replace(/(### 3\.12 [^\n]+\n[\s\S]*?- Status: )not emulated yet — pidsim has no sockets/, '$1emulated');
    expect(catalogueProblems(uncovered, scenarioCites, testCites)).toEqual(['item 3.12 is marked "emulated" but no test or scenario cites it']);
  });
});
