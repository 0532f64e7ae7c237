import { it } from 'vitest';
import { openPage } from './headless-chromium.js';
it('tmp', async () => {
  for (const [f, p] of [['/tmp/bench.html', '/tmp/bench.png'], ['/tmp/demo.html', '/tmp/demo.png']]) console.log(f, JSON.stringify(await openPage(f!, p!)));
}, 60000);
