import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';
import { Field } from './Field';

/** An optional line of text asked with the question (a revocation's reason for the students). */
export interface ConfirmText {
  label: string;
  hint?: ReactNode;
  maxLength: number;
}

interface ConfirmRequest {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** Adds an optional text field; its trimmed value comes back with the answer ('' when left empty). */
  text?: ConfirmText;
}

/** A confirmed question: the optional text as typed, trimmed. */
export interface Confirmed {
  text: string;
}

const ConfirmContext = createContext<((request: ConfirmRequest) => Promise<Confirmed | null>) | null>(null);

/** `await confirm({...})`: a modal question with the action's own words on its button. */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const [text, setText] = useState('');
  const answer = useRef<(confirmed: Confirmed | null) => void>(() => undefined);
  const ask = useCallback(
    (next: ConfirmRequest) =>
      new Promise<Confirmed | null>((resolve) => {
        answer.current = resolve;
        setText('');
        setRequest(next);
      }),
    [],
  );
  const done = (ok: boolean) => {
    setRequest(null);
    answer.current(ok ? { text: text.trim() } : null);
  };
  return (
    <ConfirmContext.Provider value={ask}>
      {children}
      <Dialog open={!!request} title={request?.title ?? ''} onClose={() => done(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            done(true);
          }}
        >
          <div>{request?.body}</div>
          {request?.text && (
            <Field
              label={request.text.label}
              name="text"
              hint={request.text.hint}
              value={text}
              maxLength={request.text.maxLength}
              onChange={(e) => setText(e.target.value)}
              autoComplete="off"
            />
          )}
          <div className="actions">
            <button type="submit" className={request?.danger ? 'danger' : 'primary'}>
              {request?.confirmLabel}
            </button>
            <button type="button" onClick={() => done(false)} autoFocus>
              Cancel
            </button>
          </div>
        </form>
      </Dialog>
    </ConfirmContext.Provider>
  );
}

function useAsk() {
  const value = useContext(ConfirmContext);
  if (!value) throw new Error('useConfirm outside ConfirmProvider');
  return value;
}

/** Asks, answering whether the person confirmed. */
export function useConfirm() {
  const ask = useAsk();
  return useCallback(async (request: Omit<ConfirmRequest, 'text'>) => (await ask(request)) !== null, [ask]);
}

/** Asks with an optional text field: null when cancelled, else what was typed (trimmed). */
export function useConfirmWithText() {
  return useAsk();
}
