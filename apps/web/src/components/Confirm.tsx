import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';

interface ConfirmRequest {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

const ConfirmContext = createContext<((request: ConfirmRequest) => Promise<boolean>) | null>(null);

/** `await confirm({...})`: a modal question with the action's own words on its button. */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const answer = useRef<(ok: boolean) => void>(() => undefined);
  const confirm = useCallback(
    (next: ConfirmRequest) =>
      new Promise<boolean>((resolve) => {
        answer.current = resolve;
        setRequest(next);
      }),
    [],
  );
  const done = (ok: boolean) => {
    setRequest(null);
    answer.current(ok);
  };
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      <Dialog open={!!request} title={request?.title ?? ''} onClose={() => done(false)}>
        <div>{request?.body}</div>
        <div className="actions">
          <button type="button" className={request?.danger ? 'danger' : 'primary'} onClick={() => done(true)}>
            {request?.confirmLabel}
          </button>
          <button type="button" onClick={() => done(false)} autoFocus>
            Cancel
          </button>
        </div>
      </Dialog>
    </ConfirmContext.Provider>
  );
}

export function useConfirm() {
  const value = useContext(ConfirmContext);
  if (!value) throw new Error('useConfirm outside ConfirmProvider');
  return value;
}
