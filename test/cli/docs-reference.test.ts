// docs/cli.md is the command line's reference: it must show each command's
// help exactly as the command prints it, and list every command.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderHelp } from '../../src/cli/command-help.js';
import { COMMAND_NAMES, commandSpec } from '../../src/cli/pidsim-cli.js';

const page = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');

describe('docs/cli.md', () => {
  it.each(COMMAND_NAMES)('shows the help of pidsim %s as the command prints it', async (name) => {
    const help = renderHelp((await commandSpec(name))!);
    expect(page).toContain(`### \`pidsim ${name}\`\n\n\`\`\`\n${help}\`\`\`\n`);
  });

  it('has a row for every command in its table', () => {
    for (const name of COMMAND_NAMES) expect(page).toMatch(new RegExp(`^\\| \`${name}( [^\`]*)?\` \\|`, 'm'));
  });
});
