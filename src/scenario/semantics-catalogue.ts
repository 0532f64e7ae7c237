// The catalogue of Linux behaviours that ships with pidsim (docs/semantics.md),
// read from the package's own files: the scenario loader checks that every
// item a scenario cites exists, and test/docs/semantics-catalogue.test.ts
// checks the catalogue's coverage lists against the tests and scenarios.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What an item says about pidsim (docs/semantics.md, "How to read an item"). */
export const ITEM_STATUSES = ['emulated as a kernel variant', 'emulated', 'not emulated yet', 'not emulated'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface CatalogueItem {
  /** "4.3" */
  readonly id: string;
  readonly title: string;
  /** null when the item has no Status line, or an unknown one. */
  readonly status: ItemStatus | null;
  /** Scenario names its Scenarios line lists; null when the line is missing. */
  readonly scenarios: readonly string[] | null;
  /** Test files its Tests line lists; null when the line is missing. */
  readonly tests: readonly string[] | null;
}

/** `### 4.3 Title` */
const HEADING = /^### (\d+\.\d+) (.+)$/;

/** Parses docs/semantics.md: one entry per `### N.M` heading, in order. */
export function parseCatalogue(text: string): CatalogueItem[] {
  const items: CatalogueItem[] = [];
  let current: { id: string; title: string; status: ItemStatus | null; scenarios: string[] | null; tests: string[] | null } | null = null;
  for (const line of text.split('\n')) {
    const heading = HEADING.exec(line);
    if (heading) {
      current = { id: heading[1]!, title: heading[2]!, status: null, scenarios: null, tests: null };
      items.push(current);
      continue;
    }
    if (line.startsWith('## ')) current = null;
    if (!current) continue;
    const field = /^- (Status|Scenarios|Tests): (.*)$/.exec(line);
    if (!field) continue;
    const value = field[2]!.trim();
    if (field[1] === 'Status') current.status = ITEM_STATUSES.find((s) => value === s || value.startsWith(`${s} — `)) ?? null;
    else {
      const names = value === 'none' ? [] : [...value.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      if (field[1] === 'Scenarios') current.scenarios = names;
      else current.tests = names;
    }
  }
  return items;
}

/**
 * Where docs/semantics.md is: two levels up from this module under vitest
 * (src/scenario/), three after the build (dist/src/scenario/).
 */
export function cataloguePath(): string {
  const candidates = ['../../docs/semantics.md', '../../../docs/semantics.md'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`pidsim: the catalogue docs/semantics.md is missing (looked for ${candidates.join(' and ')})`);
  return found;
}

let known: ReadonlySet<string> | undefined;

/** The item numbers of the shipped catalogue, read once. */
export function catalogueItemIds(): ReadonlySet<string> {
  known ??= new Set(parseCatalogue(readFileSync(cataloguePath(), 'utf8')).map((i) => i.id));
  return known;
}
