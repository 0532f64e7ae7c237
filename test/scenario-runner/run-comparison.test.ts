// Comparing two runs step by step, and the deviation list: an entry accepts
// exactly the difference it pins (scenario, step, transport, both values).

import { describe, expect, it } from 'vitest';
import { compareRuns, parseDeviations, type ScenarioRun, type StepRecord } from '../../src/scenario/index.js';

function runOf(backend: string, observed: StepRecord['observed'][], extra: Partial<ScenarioRun> = {}): ScenarioRun {
  return {
    scenario: 's',
    source: 's.yaml',
    backend,
    status: 'passed',
    steps: observed.map((o, i) => ({ step: i + 1, by: 'init', call: `call${i + 1}`, observed: o, pass: null })),
    failures: [],
    ...extra,
  };
}

const DOC = (entries: string): string => `# Deviations\n\nprose\n\n## Entries\n\n${entries}`;
const ENTRY = `### D1: counts differ

\`\`\`deviation
scenario: s
step: 2
backends: [inline]
linux: { count: 2 }
pidsim: { count: 1 }
\`\`\`

Linux merges two deliveries here because of a reason that pidsim cannot model, explained at length.
`;

describe('comparing runs', () => {
  it('finds no difference between equal observations (mapping key order does not matter)', () => {
    const a = runOf('linux', [1, { pid: 2, status: 'exited 0' }]);
    const b = runOf('inline seed 1', [1, { status: 'exited 0', pid: 2 }]);
    expect(compareRuns(a, b).differences).toEqual([]);
  });

  it('reports each differing step with both observations', () => {
    const { differences } = compareRuns(runOf('linux', [1, 'ESRCH', [1, 2]]), runOf('inline seed 7', [1, 0, [1, 2]]));
    expect(differences).toEqual([{ step: 2, call: 'call2', reference: 'ESRCH', candidate: '0' }]);
  });

  it('reports steps one run has and the other has not, with why', () => {
    const stopped = runOf('inline seed 1', [1], { status: 'error', reason: 'step 2 (init: x): boom' });
    const { differences } = compareRuns(runOf('linux', [1, 2]), stopped);
    expect(differences).toEqual([{ step: 2, call: 'call2', reference: '2', candidate: '(no such step: error: step 2 (init: x): boom)' }]);
  });

  it('accepts a difference only when a deviation pins it exactly', () => {
    const [d] = parseDeviations(DOC(ENTRY));
    expect(d).toMatchObject({ id: 'D1', title: 'counts differ', scenario: 's', step: 2, backends: ['inline'], linux: { count: 2 }, pidsim: { count: 1 } });
    const linux = runOf('linux', [0, { count: 2 }]);
    expect(compareRuns(linux, runOf('inline seed 1', [0, { count: 1 }]), [d!])).toEqual({ differences: [], accepted: [d] });
    expect(compareRuns(linux, runOf('inline seed 1', [0, { count: 3 }]), [d!]).differences).toHaveLength(1);
    expect(compareRuns(linux, runOf('threads seed 1', [0, { count: 1 }]), [d!]).differences).toHaveLength(1);
  });
});

describe('the deviation list', () => {
  it('reads nothing from a document without entries, ignoring examples above "## Entries"', () => {
    expect(parseDeviations(`# D\n\n\`\`\`\`markdown\n${ENTRY}\`\`\`\`\n\n## Entries\n\n(none)\n`)).toEqual([]);
  });

  it('refuses an entry that does not say why', () => {
    const bare = ENTRY.replace(/Linux merges[^\n]*\n/, 'because.\n');
    expect(() => parseDeviations(DOC(bare), 'dev.md')).toThrow('dev.md: D1: say why the difference is right');
  });

  it('refuses a malformed entry, naming it and the field', () => {
    expect(() => parseDeviations(DOC(ENTRY.replace('step: 2', 'step: two')), 'dev.md')).toThrow(/^dev\.md: D1: step: /);
    expect(() => parseDeviations(DOC('```deviation\nscenario: s\n```\n'), 'dev.md')).toThrow(/must follow a "### Dn: title" heading/);
  });
});
