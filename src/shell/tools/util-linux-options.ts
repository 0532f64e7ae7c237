// The options every util-linux tool here answers the same way: --help,
// --version (util-linux 2.38.1, as on the lab machine), and the options of
// the real tool that pidsim does not emulate (getopt ids 'x:NAME').

import type { ToolContext } from '../program-exec.js';

/**
 * The exit status when option `id` is one of these (after printing what the
 * tool prints), or undefined when the tool must handle it itself.
 */
export function commonUtilLinuxOption(ctx: ToolContext, tool: string, id: string, help: string, emulated: string): number | undefined {
  if (id === 'help') {
    ctx.out(help);
    return 0;
  }
  if (id === 'version') {
    ctx.out(`${tool} from util-linux 2.38.1\n`);
    return 0;
  }
  if (id.startsWith('x:')) {
    ctx.err(`${tool}: ${id.slice(2)} is not emulated by pidsim (only ${emulated} are)\n`);
    return 1;
  }
  return undefined;
}
