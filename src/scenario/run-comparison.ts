// Comparing two runs of one scenario, step by step: the differential test's
// verdict. Observations must be equal (every PID a scenario sees is
// namespace-local, so deterministic); a difference passes only when
// docs/deviations.md pins exactly that step, those backends and both values.

import type { Deviation } from './deviation-list.js';
import { renderObservation, sameObservation } from './observation.js';
import type { ScenarioRun } from './scenario-runner.js';

export interface Difference {
  readonly step: number;
  readonly call: string;
  /** What the reference (Linux) run observed, or why it has no such step. */
  readonly reference: string;
  readonly candidate: string;
}

/** The transport a pidsim backend name stands for (`inline seed 7` -> inline). */
function transportOf(backend: string): string {
  return backend.split(' ')[0] ?? backend;
}

/**
 * The differences between `candidate` and `reference` that no deviation
 * accepts, and the deviations that were used.
 */
export function compareRuns(
  reference: ScenarioRun,
  candidate: ScenarioRun,
  deviations: readonly Deviation[] = [],
): { differences: Difference[]; accepted: Deviation[] } {
  const differences: Difference[] = [];
  const accepted: Deviation[] = [];
  const n = Math.max(reference.steps.length, candidate.steps.length);
  const missing = (run: ScenarioRun): string => `(no such step: ${run.status}${run.reason ? `: ${run.reason}` : ''})`;
  for (let i = 0; i < n; i++) {
    const r = reference.steps[i];
    const c = candidate.steps[i];
    if (!r || !c) {
      differences.push({ step: i + 1, call: (r ?? c)!.call, reference: r ? renderObservation(r.observed) : missing(reference), candidate: c ? renderObservation(c.observed) : missing(candidate) });
      continue;
    }
    if (r.call !== c.call) {
      differences.push({ step: r.step, call: `${r.call} / ${c.call}`, reference: `call ${r.call}`, candidate: `call ${c.call}` });
      continue;
    }
    if (sameObservation(r.observed, c.observed)) continue;
    const d = deviations.find(
      (d) =>
        d.scenario === reference.scenario &&
        d.step === r.step &&
        d.backends.includes(transportOf(candidate.backend) as 'inline' | 'threads') &&
        sameObservation(d.linux, r.observed) &&
        sameObservation(d.pidsim, c.observed),
    );
    if (d) accepted.push(d);
    else differences.push({ step: r.step, call: r.call, reference: renderObservation(r.observed), candidate: renderObservation(c.observed) });
  }
  if ((reference.status === 'error' || candidate.status === 'error') && reference.reason !== candidate.reason && reference.steps.length === candidate.steps.length) {
    differences.push({ step: n + 1, call: '(end of run)', reference: `${reference.status}: ${reference.reason ?? ''}`, candidate: `${candidate.status}: ${candidate.reason ?? ''}` });
  }
  return { differences, accepted };
}
