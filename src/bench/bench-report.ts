// One run of `pidsim bench` as data: every suite's measurements, each row's
// ratio against the baseline of its family (inline vs the runtime floor or
// real Linux, threads vs inline, typed arrays vs objects), and the
// docs/performance.md verdicts (none in a --quick run). The JSON, the
// markdown table and the chart are all drawn from this.

import { transportTitle, type TransportLabel } from './kernel-setup.js';
import type { MachineInfo } from './machine-info.js';
import { judgeTargets, type TargetVerdict } from './perf-targets.js';
import type { Measurement, SuiteResult } from './suite-types.js';

export interface ReportRow extends Measurement {
  readonly suite: string;
  /** median / the baseline's median, when the baseline was measured in this run. */
  readonly ratio?: number;
  /** What the ratio is against, as a table says it: 'Linux', 'floor', 'inline', 'W=1', 'objects'. */
  readonly versus?: string;
  /** The targets that judged this row in this run (none in a --quick run). */
  readonly targets: readonly { readonly id: string; readonly short: string; readonly value: string; readonly met: boolean }[];
}

export interface BenchReport {
  readonly tool: 'pidsim bench';
  readonly version: 1;
  readonly timestamp: string;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  /** Load averages when the run ended (the machine's at the start). */
  readonly loadAverageAtEnd: readonly number[];
  readonly suites: readonly (SuiteResult & { readonly rows: readonly ReportRow[] })[];
  readonly targets: readonly TargetVerdict[];
}

/** How a row names its baseline: by system, transport or format. */
function versusName(b: Measurement): string {
  if (b.params['system'] === 'linux') return 'Linux';
  if (b.params['system'] === 'runtime-floor') return 'floor';
  const t = b.params['transport'];
  if (typeof t === 'string') return transportTitle(t as TransportLabel).replace(/^threads /, '');
  const f = b.params['format'];
  if (typeof f === 'string') return f;
  return b.id;
}

export function buildReport(input: {
  readonly suites: readonly SuiteResult[];
  readonly machine: MachineInfo;
  readonly loadAverageAtEnd: readonly number[];
  readonly quick: boolean;
  readonly timestamp: Date;
}): BenchReport {
  const all = input.suites.flatMap((s) => s.measurements);
  const byId = new Map(all.map((m) => [m.id, m]));
  const targets = judgeTargets(all, { quick: input.quick });
  const suites = input.suites.map((s) => ({
    ...s,
    rows: s.measurements.map((m): ReportRow => {
      const b = m.baseline === undefined ? undefined : byId.get(m.baseline);
      const judged = targets.flatMap((t) =>
        t.checks.filter((c) => c.row === m.id && (c.verdict === 'met' || c.verdict === 'not met')).map((c) => ({ id: t.id, short: t.short, value: c.value, met: c.verdict === 'met' })),
      );
      return {
        ...m,
        suite: s.suite,
        ...(b ? { ratio: m.median / b.median, versus: versusName(b) } : {}),
        targets: judged,
      };
    }),
  }));
  return {
    tool: 'pidsim bench',
    version: 1,
    timestamp: input.timestamp.toISOString(),
    quick: input.quick,
    machine: input.machine,
    loadAverageAtEnd: input.loadAverageAtEnd,
    suites,
    targets,
  };
}
