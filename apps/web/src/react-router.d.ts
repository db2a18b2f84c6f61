// The dashboard mounts <BrowserRouter>, whose navigate() returns nothing (only data routers return a
// promise). Narrowing the type here, as react-router documents, keeps navigate() calls from reading as
// floating promises.
import type { NavigateOptions, To } from 'react-router';

declare module 'react-router' {
  interface NavigateFunction {
    (to: To, options?: NavigateOptions): void;
    (delta: number): void;
  }
}
