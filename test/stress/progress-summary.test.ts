// The progress line and the summary count operations the same way: those run,
// then those skipped (a process they name never existed). The last progress
// line, printed when the run is over, shows the summary's figures.

import { describe, expect, it } from 'vitest';
import { runStressCli } from '../../src/stress/index.js';
import { capturedIo } from '../support/captured-io.js';

const n = (s: string | undefined): number => Number((s ?? '0').replaceAll(',', ''));

describe('stress progress and summary', () => {
  it('the last progress line is at 100% and shows the operations run and skipped that the summary shows', async () => {
    const io = capturedIo();
    // --pid-max 500 makes forks fail, so there are skipped operations to count too.
    const args = ['--seed', '4', '--depth', '3', '--fanout', '3', '--processes', '1500', '--concurrency', '64', '--pid-max', '500', '--allow-skips', '--no-shrink'];
    expect(await runStressCli(args, io)).toBe(0);
    const out = io.out();
    const progress = [...out.matchAll(/^ +(\d+)% round (\d+)\/(\d+) · ([\d,]+) forks · ([\d,]+) ops(?: \(\+([\d,]+) skipped\))? · /gm)];
    expect(progress.length).toBeGreaterThan(0);
    const last = progress.at(-1)!;
    const summary = /^ {2}([\d,]+) forks, ([\d,]+) operations(?: \(\+([\d,]+) skipped\))?, /m.exec(out);
    expect(summary, out).not.toBeNull();
    expect(last[1]).toBe('100');
    expect(last[2]).toBe(last[3]);
    expect({ forks: n(last[4]), done: n(last[5]), skipped: n(last[6]) }).toEqual({ forks: n(summary![1]), done: n(summary![2]), skipped: n(summary![3]) });
    expect(n(summary![3])).toBeGreaterThan(0);
  });
});
