// The HTML pages open in headless Chromium and draw their charts: every
// chart has data and paints its canvas, nothing is fetched, nothing throws.
// Screenshots of the pages made from committed inputs (the bench results
// JSON, the demo's cascade) are saved in bench/results for the README; the
// stress pages' go to a temporary directory (their figures change each run).

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { NamespaceActor } from '@pidsim/actors';
import type { ActorMsg } from '@pidsim/core';
import { runDemo } from '../../src/cli/demo.js';
import { runReportCli } from '../../src/report/index.js';
import { runStressCli } from '../../src/stress/index.js';
import { checkTraceFormat } from '../../src/trace/index.js';
import { chromiumMissing, openPage, type PageResult } from './headless-chromium.js';

const RESULTS = resolve('bench/results');
const missing = await chromiumMissing();
if (missing) console.warn(`SKIPPED: the HTML report pages are not opened in a browser: ${missing}`);

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(w, { text: () => chunks.join('') });
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'pidsim-report-'));

/** What every page must show: each chart drawn with data, its canvas painted, no error, no request. */
function expectDrawn(r: PageResult, charts: number): void {
  expect(r.consoleErrors).toEqual([]);
  expect(r.report.errors).toEqual([]);
  expect(r.requests).toEqual([]);
  expect(r.report.charts).toBe(charts);
  expect(r.paintedCanvases).toBe(charts);
  expect(r.report.points).toBeGreaterThan(charts);
}

describe.skipIf(missing !== null)('report pages in headless Chromium', () => {
  it('the bench report of bench/results/bench.json: headline, one panel per unit, scaling by workers', async () => {
    const html = join(tmp(), 'bench.html');
    expect(await runReportCli(['bench/results/bench.json', '--html', html], { stdout: sink(), stderr: sink() })).toBe(0);
    const units = new Set((JSON.parse(readFileSync('bench/results/bench.json', 'utf8')) as { suites: { rows: { unit: string }[] }[] }).suites.flatMap((s) => s.rows.map((r) => r.unit)));
    const r = await openPage(html, join(RESULTS, 'bench-report.png'));
    expectDrawn(r, 2 + units.size);
    expect(existsSync(join(RESULTS, 'bench-report.png'))).toBe(true);
  }, 60_000);

  it('the cascade of pidsim demo --trace, drawn from the trace file', async () => {
    // The demo runs on seed 1 and a trace has no wall-clock time in it: the file is the same on every run, so it is kept with the results for anyone to open in Perfetto UI.
    const trace = 'bench/results/cascade.trace.json';
    expect(await runDemo({ out: sink(), trace: { file: trace } })).toBe(0);
    const html = join(tmp(), 'cascade.html');
    expect(await runReportCli([trace, '--html', html], { stdout: sink(), stderr: sink() })).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('drawn by pidsim from the trace file, not by Perfetto');
    const r = await openPage(html, join(RESULTS, 'cascade-trace.png'), 1200);
    expectDrawn(r, 1);
  }, 60_000);

  it('a passing stress run: operations and processes over time, latency per syscall', async () => {
    const dir = tmp();
    const html = join(dir, 'stress.html');
    const io = { stdout: sink(), stderr: sink() };
    expect(await runStressCli(['--seed', '4', '--processes', '1500', '--depth', '3', '--no-progress', '--html', html], io)).toBe(0);
    expect(io.stdout.text()).toContain(`  html: ${html}\n`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h1>pidsim stress: PASSED</h1>');
    expect(page).toContain('none: every invariant held');
    const latencyCharts = (page.match(/<canvas id="lat-\d+">/g) ?? []).length;
    expect(latencyCharts).toBeGreaterThanOrEqual(5);
    expectDrawn(await openPage(html, join(dir, 'stress.png')), 2 + latencyCharts);
  }, 120_000);

  describe('a failing stress run', () => {
    const original = NamespaceActor.prototype.handle;
    afterEach(() => {
      NamespaceActor.prototype.handle = original;
    });

    it('lists the failure with its replay command, and the shrunk reproducer with its trace drawn and linked', async () => {
      // The planted bug of test/stress/planted-bug.test.ts: a teardown's SIGKILL to nested namespaces is lost.
      NamespaceActor.prototype.handle = function (this: NamespaceActor, msg: ActorMsg): void {
        if (msg.type === 'signal' && msg.sender.kind === 'kernel' && msg.sig === 9) return;
        original.call(this, msg);
      };
      const dir = tmp();
      const html = join(dir, 'failed.html');
      const io = { stdout: sink(), stderr: sink() };
      const args = ['--seed', '1', '--depth', '3', '--fanout', '3', '--processes', '600', '--concurrency', '32', '--shrink-time', '30', '--no-progress'];
      expect(await runStressCli([...args, '--html', html], io)).toBe(1);
      const traceFile = join(dir, 'failed.seed1-shrunk.trace.json');
      expect(io.stdout.text()).toContain(`  html: ${html} (the shrunk reproducer's trace beside it: failed.seed1-shrunk.trace.json)\n`);
      expect(checkTraceFormat(JSON.parse(readFileSync(traceFile, 'utf8'))).problems).toEqual([]);
      const page = readFileSync(html, 'utf8');
      expect(page).toContain('<h1>pidsim stress: FAILED</h1>');
      expect(page).toContain('<h3>seed 1: invariant 3 broken</h3>');
      expect(page).toContain('replay: <code>pidsim stress --seed 1 --depth 3 --fanout 3 --processes 600 --concurrency 32</code>');
      expect(page).toMatch(/replay: <code>pidsim stress --seed 1 --depth 3 --fanout 3 --processes 600 --concurrency 32 --chaos \d+ --ops [\d,-]+<\/code>/);
      expect(page).toContain('<a href="failed.seed1-shrunk.trace.json">failed.seed1-shrunk.trace.json</a>');
      const latencyCharts = (page.match(/<canvas id="lat-\d+">/g) ?? []).length;
      expectDrawn(await openPage(html, join(dir, 'failed.png')), 2 + latencyCharts + 1);
    }, 180_000);
  });

  it('a farm of seeds: each seed, latency per syscall', async () => {
    const dir = tmp();
    const html = join(dir, 'farm.html');
    const io = { stdout: sink(), stderr: sink() };
    expect(await runStressCli(['--seeds', '3', '--seed', '10', '--workers', '2', '--processes', '400', '--depth', '3', '--no-progress', '--html', html], io)).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<canvas id="seeds">');
    const latencyCharts = (page.match(/<canvas id="lat-\d+">/g) ?? []).length;
    expectDrawn(await openPage(html, join(dir, 'farm.png')), 1 + latencyCharts);
  }, 120_000);
});
