// examples/demo.sh, the scripted session that replays the article, run as
// `pidsim shell < examples/demo.sh` would run it: the whole transcript is
// golden (test/shell/golden/demo.transcript), and it is the same whatever
// the seed of the kernel's scheduler, because the session runs every
// program to a quiet point before the next line.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runShell } from '../../src/shell/index.js';

const DEMO = fileURLToPath(new URL('../../examples/demo.sh', import.meta.url));

async function transcript(seed: number): Promise<{ text: string; status: number }> {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const status = await runShell({ input: Readable.from([readFileSync(DEMO, 'utf8')]), output, interactive: false, seed });
  return { text, status };
}

describe('examples/demo.sh', () => {
  it('replays the article as the golden transcript says', async () => {
    const { text, status } = await transcript(0);
    expect(status).toBe(0);
    await expect(text).toMatchFileSnapshot('golden/demo.transcript');
  });

  it('gives the same transcript, PIDs included, for other scheduler seeds', async () => {
    const first = await transcript(0);
    for (const seed of [1, 2, 12345]) expect((await transcript(seed)).text).toBe(first.text);
  });

  it('shows comments and blank lines as they are and echoes each command after its prompt', async () => {
    const { text } = await transcript(0);
    const lines = text.split('\n');
    // The script's opening comment, the blank line after it, the next comment, then the first command after its prompt.
    expect(lines.slice(3, 8)).toEqual([
      '# (its machine had other processes running); the structure is the same.',
      '',
      '# --- 1. A new PID namespace needs its own /proc --------------------------',
      '[w1 $$=2]# echo $$',
      '2',
    ]);
    expect(lines[0]).toBe('# pidsim shell < examples/demo.sh');
  });
});
