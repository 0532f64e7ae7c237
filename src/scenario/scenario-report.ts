// How a run is shown: a readable table for people, or JSON lines (one per
// step, then one summary line) for tools.

import { renderObservation } from './observation.js';
import type { ScenarioRun, StepRecord } from './scenario-runner.js';

function check(s: StepRecord): string {
  if (s.pass === null) return '';
  if (s.pass) return 'ok';
  const want = s.expected!.length === 1 ? renderObservation(s.expected![0]!) : `one of ${s.expected!.map(renderObservation).join(' | ')}`;
  return `FAIL: expected ${want}`;
}

/** The steps as a table, with a heading line and the verdict. */
export function renderTable(run: ScenarioRun): string {
  const head = ['#', 'by', 'call', 'observed', 'check'];
  const rows = run.steps.map((s) => [String(s.step), s.by ?? '', s.call, renderObservation(s.observed), check(s)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [`scenario ${run.scenario} on ${run.backend}${run.variant ? `, kernel variant ${run.variant}` : ''}`, line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push(verdict(run));
  return `${out.join('\n')}\n`;
}

/** `passed (12 steps)`, `FAILED: 2 expectations`, `ERROR: ...`, `SKIPPED: ...`. */
export function verdict(run: ScenarioRun): string {
  switch (run.status) {
    case 'passed':
      return `passed (${run.steps.length} steps, ${run.steps.filter((s) => s.pass === true).length} expectations held)`;
    case 'failed':
      return `FAILED: ${run.failures.length} expectation${run.failures.length === 1 ? '' : 's'} did not hold`;
    case 'error':
      return `ERROR: ${run.reason}`;
    case 'skipped':
      return `SKIPPED: ${run.reason}`;
  }
}

/** One JSON object per step, then a summary object; each on its own line. */
export function renderJsonLines(run: ScenarioRun): string {
  const lines = run.steps.map((s) =>
    JSON.stringify({
      scenario: run.scenario,
      backend: run.backend,
      step: s.step,
      by: s.by,
      call: s.call,
      observed: s.observed,
      ...(s.expected ? { expected: s.expected.length === 1 ? s.expected[0] : { oneOf: s.expected } } : {}),
      pass: s.pass,
    }),
  );
  lines.push(
    JSON.stringify({
      scenario: run.scenario,
      source: run.source,
      backend: run.backend,
      ...(run.variant ? { variant: run.variant } : {}),
      status: run.status,
      steps: run.steps.length,
      failures: run.failures,
      ...(run.reason ? { reason: run.reason } : {}),
    }),
  );
  return `${lines.join('\n')}\n`;
}
