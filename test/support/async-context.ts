import asyncHooks from 'node:async_hooks';

/**
 * Runs before each test file, in its Jest worker. Jest gives every file fresh instances of the project's modules
 * but one Node process, and node:async_hooks is that process's own: each AsyncLocalStorage a file's modules
 * created and ran (nestjs-pino's logger context, the api's request context, the worker's job context) stays
 * registered with Node's async hook after the file ends. On Node 20 every promise created afterwards then gets one
 * property per registered storage, so each file ran made every later one slower and bigger.
 *
 * So the storages are remembered as they are created, and those of the files before are disabled when the next
 * file starts (its own run from a clean slate; a storage run again simply registers itself again).
 */
interface Tracking {
  created: WeakRef<asyncHooks.AsyncLocalStorage<unknown>>[];
}

const KEY = Symbol.for('labkeys.test.asyncLocalStorages');
const hooks = asyncHooks as typeof asyncHooks & { [KEY]?: Tracking };

if (!hooks[KEY]) {
  const tracking: Tracking = { created: [] };
  const Original = asyncHooks.AsyncLocalStorage;
  class TrackedAsyncLocalStorage<T> extends Original<T> {
    constructor(...options: ConstructorParameters<typeof Original>) {
      super(...options);
      tracking.created.push(new WeakRef(this));
    }
  }
  hooks.AsyncLocalStorage = TrackedAsyncLocalStorage;
  hooks[KEY] = tracking;
}

const tracking = hooks[KEY];
for (const ref of tracking.created) ref.deref()?.disable();
tracking.created = tracking.created.filter((ref) => ref.deref() !== undefined);
