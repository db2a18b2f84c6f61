import { useState } from 'react';

/** Copies `text` to the clipboard and says so (politely, for screen readers too). */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      setDone('failed');
    }
    setTimeout(() => setDone(null), 2500);
  };
  return (
    <span className="copy">
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {done === 'copied' ? 'Copied' : done === 'failed' ? 'Copy failed: select the text and copy it' : ''}
      </span>
    </span>
  );
}

/** A secret or document shown in full, selectable, with a copy button. */
export function CopyBlock({ text, label, multiline = false }: { text: string; label: string; multiline?: boolean }) {
  return (
    <div className="copy-block">
      {multiline ? (
        <pre tabIndex={0} aria-label={label}>
          {text}
        </pre>
      ) : (
        <code className="secret" aria-label={label}>
          {text}
        </code>
      )}
      <CopyButton text={text} label={`Copy ${label}`} />
    </div>
  );
}
