// Preloaded into a `pidsim worker` (node --import this file) by
// redis-farm.test.ts: it plants the bug of test/stress/planted-bug.test.ts in
// every thread of that worker - the SIGKILL a dying namespace init sends to
// processes of nested namespaces is lost, so they outlive their namespace
// (invariant 3). Node runs --import modules in worker threads too, so the
// seeds on the worker's pool run the broken engine. Never part of pidsim.

import { NamespaceActor } from '@pidsim/actors';

const original = NamespaceActor.prototype.handle;
NamespaceActor.prototype.handle = function (msg) {
  if (msg.type === 'signal' && msg.sender.kind === 'kernel' && msg.sig === 9) return;
  original.call(this, msg);
};
