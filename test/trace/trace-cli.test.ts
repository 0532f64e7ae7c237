// --trace FILE on demo, run, stress and shell: the options, and a valid trace of each.

import { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defineCommand, parseCommand } from '../../src/cli/command-spec.js';
import { HTML_OPTION, TRACE_OPTIONS, htmlFileOf, traceOptionsOf } from '../../src/cli/output-options.js';
import { runDemo, runDemoCli } from '../../src/cli/demo.js';
import { runScenarioCli } from '../../src/scenario/index.js';
import { runShell } from '../../src/shell/index.js';
import { runStressCli } from '../../src/stress/index.js';
import { readTrace, traceFile, trackNames } from './trace-support.js';

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

describe('the output options', () => {
  const spec = defineCommand({ name: 'example', synopsis: ['[options]'], options: { seed: { type: 'integer', value: 'N', min: 0, description: 'a seed' }, 'no-progress': { type: 'flag', description: 'quiet' }, ...TRACE_OPTIONS, ...HTML_OPTION } });

  it('decodes --trace, --trace-ns, --trace-window and --html beside the command\'s own options', () => {
    const file = traceFile();
    const parsed = parseCommand(spec, ['--seed', '3', `--trace=${file}`, '--trace-ns', '2', '--trace-window', '1ms:2.5ms', '--html', file, '--no-progress'])!;
    expect(parsed.options).toMatchObject({ seed: 3, 'no-progress': true });
    expect(traceOptionsOf(parsed.options)).toEqual({ file, namespace: 2, window: { from: 1000, to: 2500 } });
    expect(htmlFileOf(parsed.options)).toBe(file);
  });

  it.each([
    [['--html', 'x.html'], 'unknown option "--html"'],
    [['--trace-ns', '2'], '--trace-ns narrows a trace: it needs --trace FILE'],
    [['--trace', 'x.json', '--trace-ns', 'two'], '--trace-ns must be a namespace number as the trace names it (PID namespace #N), N >= 1, received "two"'],
    [['--trace', 'x.json', '--trace-window', '3s:2s'], '--trace-window: the window starts after it ends, received "3s:2s"'],
    [['--trace', 'x.json', '--trace-window', 'soon'], '--trace-window: expected FROM:TO, like 2s:3s or 1500:2500 (µs), received "soon"'],
    [['--trace'], '--trace needs a value, received nothing'],
    [['--trace', '/no/such/dir/t.json'], '--trace: the directory /no/such/dir does not exist, received "/no/such/dir/t.json"'],
    [['--trace', 'a.json', '--trace', 'b.json'], '--trace is given twice'],
  ])('demo %j is refused before it starts: %s', async (args, message) => {
    const io = { stdout: sink(), stderr: sink() };
    expect(await runDemoCli(args, io)).toBe(2);
    expect(io.stdout.text()).toBe('');
    expect(io.stderr.text().startsWith(`pidsim demo: ${message}\nusage: pidsim demo `)).toBe(true);
  });
});

describe('--trace on each command writes a valid trace of its run', () => {
  it('demo: the three nested namespaces and the cascade', async () => {
    const file = traceFile();
    const out = sink();
    expect(await runDemo({ out, trace: { file } })).toBe(0);
    expect(out.text()).toContain(`trace: ${file}`);
    const events = readTrace(file);
    expect(events.filter((e) => e.ph === 'M' && e.name === 'process_name').length).toBe(4);
    expect(events.filter((e) => e.cat === 'cascade').length).toBe(2);
  });

  it('run: one scenario on inline', async () => {
    const file = traceFile();
    const io = { stdout: sink(), stderr: sink() };
    expect(await runScenarioCli(['test/scenarios/init-protection-inside.yaml', '--trace', file], io)).toBe(0);
    expect(io.stderr.text()).toMatch(new RegExp(`trace: ${file} \\(\\d+ records\\)`));
    expect(readTrace(file).some((e) => e.name === 'SIGTERM ignored: init-protected')).toBe(true);
  });

  it('run: refuses --trace with the linux backend or several files', async () => {
    const io = { stdout: sink(), stderr: sink() };
    expect(await runScenarioCli(['a.yaml', '--backend', 'linux', '--trace', traceFile()], io)).toBe(2);
    expect(await runScenarioCli(['a.yaml', 'b.yaml', '--trace', traceFile()], io)).toBe(2);
    expect(io.stderr.text()).toContain('--trace records the emulator; the linux backend has no trace');
    expect(io.stderr.text()).toContain("--trace writes one scenario's run; received 2 files");
  });

  it('stress: one seed, and not with --seeds', async () => {
    const file = traceFile();
    const io = { stdout: sink(), stderr: sink() };
    expect(await runStressCli(['--seed', '5', '--processes', '300', '--depth', '3', '--no-progress', '--trace', file], io)).toBe(0);
    expect(io.stdout.text()).toMatch(/ {2}trace: .* \([\d,]+ records, [\d,]+ KiB\)/);
    expect(trackNames(readTrace(file)).size).toBeGreaterThan(100);
    expect(await runStressCli(['--seeds', '2', '--trace', file], io)).toBe(2);
    expect(io.stderr.text()).toContain('--trace writes the run of one seed; it cannot be combined with --seeds');
  });

  it('shell: a script, from boot to exit', async () => {
    const file = traceFile();
    const output = sink();
    const input = Readable.from(['sudo unshare --pid --fork --mount-proc /bin/bash\n', 'ps -ef\n', 'exit\n', 'exit\n']);
    await runShell({ input, output, interactive: false, trace: { file } });
    const names = [...trackNames(readTrace(file)).values()].map((n) => n.name);
    expect(names).toContain('systemd · NSpid 1');
    expect(names.some((n) => /^ps · NSpid \d+ 2$/.test(n))).toBe(true);
  });
});
