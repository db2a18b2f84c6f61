import type { ReactNode } from 'react';
import { Logo } from '../components/Logo';

/** The student pages' skip link and top bar; `children` go on its right (the sign-out button). */
export function StudentHeader({ children }: { children?: ReactNode }) {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand">
          <Logo /> LabKeys <span className="tenant">Your lab access</span>
        </div>
        {children}
      </header>
    </>
  );
}
