// comlink speaks the DOM MessagePort dialect; a Node MessagePort emits
// 'message' events with the data itself. This adapts one to the other
// (comlink's own node-adapter, typed).

import type { Endpoint } from 'comlink';
import type { MessagePort } from 'node:worker_threads';

type Listener = (ev: { data: unknown }) => void;
type Handler = Listener | { handleEvent: Listener };

export function nodeEndpoint(port: MessagePort): Endpoint {
  // comlink types its listener argument as the DOM's EventListenerOrEventListenerObject.
  const listeners = new WeakMap<object, (data: unknown) => void>();
  return ({
    postMessage: (message: unknown, transfer?: unknown[]) => port.postMessage(message, transfer as never),
    addEventListener: (_type: string, handler: Handler) => {
      const l = (data: unknown): void => {
        if (typeof handler === 'function') handler({ data });
        else handler.handleEvent({ data });
      };
      port.on('message', l);
      listeners.set(handler, l);
    },
    removeEventListener: (_type: string, handler: Handler) => {
      const l = listeners.get(handler);
      if (!l) return;
      port.off('message', l);
      listeners.delete(handler);
    },
    start: () => port.start(),
  } as unknown) as Endpoint;
}
