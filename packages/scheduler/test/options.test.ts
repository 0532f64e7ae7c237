// createKernel() options are validated once at the edge: a bad one throws a
// TypeError naming the option and the value received, and nothing starts.

import { describe, expect, it } from 'vitest';
import { Kernel } from '../src/index.js';

describe('createKernel options', () => {
  it.each([
    [{ transport: 'fibers' }, /^createKernel: option `transport`: .*; received "fibers"$/],
    [{ pidMax: 12 }, /^createKernel: option `pidMax`: .*; received 12$/],
    [{ variant: { orphanedPgrpSighup: 'sometimes' } }, /^createKernel: option `variant.orphanedPgrpSighup`: .*"all-members"\|"stopped-members".*; received "sometimes"$/],
    [{ variant: { frob: 1 } }, /^createKernel: option `variant`: .*\(`frob`\); received \{"frob":1\}$/],
    [{ frob: 1 }, /^createKernel: options: .*\(`frob`\)/],
  ])('refuses %j, naming it', (bad, message) => {
    expect(() => new Kernel(bad as never)).toThrow(TypeError);
    expect(() => new Kernel(bad as never)).toThrow(message);
  });

  it('takes a kernel variant, upstream by default', async () => {
    const upstream = new Kernel();
    const stopped = new Kernel({ variant: { orphanedPgrpSighup: 'stopped-members' } });
    expect(upstream.options.variant).toEqual({ orphanedPgrpSighup: 'all-members' });
    expect(stopped.options.variant).toEqual({ orphanedPgrpSighup: 'stopped-members' });
    await upstream.close();
    await stopped.close();
  });
});
