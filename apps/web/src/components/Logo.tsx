/** LabKeys' mark: a key, drawn inline so it needs no font or file. */
export function Logo() {
  return (
    <svg className="logo" width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="8" cy="12" r="5" fill="none" stroke="currentColor" strokeWidth="2.5" />
      <path d="M13 12h9M18 12v4M21 12v3" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
    </svg>
  );
}
