// docs/deviations.md as data: the only way a difference between pidsim and
// Linux may pass the differential suite. Each entry pins the scenario, the
// step, the backends, and both observations exactly, and must say why, so
// an entry can never quietly excuse more than it explains.

import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Observation } from './scenario-schema.js';

export interface Deviation {
  /** `D1`, from the entry's heading `### D1: title`. */
  readonly id: string;
  readonly title: string;
  readonly scenario: string;
  readonly step: number;
  /** Which pidsim transports it applies to. */
  readonly backends: readonly ('inline' | 'threads')[];
  readonly linux: Observation;
  readonly pidsim: Observation;
  /** The explanation that follows the block. */
  readonly why: string;
}

const entrySchema = z
  .object({
    scenario: z.string().min(1),
    step: z.number().int().min(1),
    backends: z.array(z.enum(['inline', 'threads'])).min(1),
    linux: z.unknown(),
    pidsim: z.unknown(),
  })
  .strict();

const BLOCK = /^### (D\d+): (.+)\n+```deviation\n([\s\S]*?)\n```\n([\s\S]*?)(?=^#{1,3} |(?![\s\S]))/gm;

/**
 * Parses the entries of a deviations document: the `### Dn: title` sections
 * after its `## Entries` heading. A malformed entry throws, naming it.
 */
export function parseDeviations(document: string, source = 'docs/deviations.md'): Deviation[] {
  const at = document.search(/^## Entries\s*$/m);
  if (at < 0) throw new Error(`${source}: no "## Entries" heading`);
  const markdown = document.slice(at);
  const out: Deviation[] = [];
  const blocks = markdown.match(/```deviation/g)?.length ?? 0;
  for (const m of markdown.matchAll(BLOCK)) {
    const [, id, title, body, prose] = m;
    const parsed = entrySchema.safeParse(parseYaml(body!));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${source}: ${id}: ${issue.path.join('.') || 'block'}: ${issue.message}`);
    }
    const why = prose!.trim();
    if (why.length < 40) throw new Error(`${source}: ${id}: say why the difference is right (a real, explained reason), not just that it exists`);
    if (!('linux' in parsed.data) || !('pidsim' in parsed.data)) throw new Error(`${source}: ${id}: give both the linux and the pidsim observation`);
    out.push({ id: id!, title: title!.trim(), ...parsed.data, linux: parsed.data.linux as Observation, pidsim: parsed.data.pidsim as Observation, why });
  }
  if (out.length !== blocks) throw new Error(`${source}: every \`\`\`deviation block must follow a "### Dn: title" heading (${blocks} blocks, ${out.length} entries read)`);
  return out;
}

export async function loadDeviations(file: string): Promise<Deviation[]> {
  return parseDeviations(await readFile(file, 'utf8'), file);
}
