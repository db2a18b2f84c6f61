import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../auth/actor';

export interface RequestContext {
  requestId?: string;
  actor?: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs the rest of a request inside its own context (request id, authenticated actor). */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext {
  return storage.getStore() ?? {};
}
