import { useEffect, useRef, useState } from 'react';

export type SessionStateName = 'PENDING' | 'ISSUING' | 'ACTIVE' | 'EXPIRED' | 'REVOKING' | 'REVOKED' | 'FAILED';
export type Counts = Record<SessionStateName, number>;

/** `session.state` of the lab stream (apps/api/src/lab-sessions/lab-sessions.controller.ts). */
export interface SessionStateEvent {
  sessionId: string;
  studentId: string;
  state: SessionStateName;
  type: string;
  detail: Record<string, string | number | boolean | null> | null;
  at: string;
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

interface Handlers {
  readiness: (counts: Counts) => void;
  session: (event: SessionStateEvent) => void;
  /** After a reconnect that could not resume (a new EventSource), what was missed must be read again. */
  resync: () => void;
}

const MAX_BACKOFF_MS = 15_000;

/**
 * The lab's live stream over EventSource (the session cookie authenticates it). EventSource itself
 * reconnects after a dropped connection and sends Last-Event-ID, so nothing is missed; when the server
 * refuses a reconnect (EventSource gives up: readyState CLOSED) a new one is opened with backoff, and
 * `resync` reads the state that a fresh stream does not replay.
 */
export function useLabStream(labId: string, handlers: Handlers): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    const open = (fresh: boolean) => {
      source = new EventSource(`/v1/labs/${encodeURIComponent(labId)}/events`, { withCredentials: true });
      source.onopen = () => {
        attempt = 0;
        setStatus('live');
        if (fresh) latest.current.resync();
      };
      source.addEventListener('lab.readiness', (e) =>
        latest.current.readiness((JSON.parse((e as MessageEvent<string>).data) as { counts: Counts }).counts),
      );
      source.addEventListener('session.state', (e) =>
        latest.current.session(JSON.parse((e as MessageEvent<string>).data) as SessionStateEvent),
      );
      source.onerror = () => {
        if (stopped || !source) return;
        if (source.readyState === EventSource.CLOSED) {
          source.close();
          setStatus('reconnecting');
          const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt++);
          retry = setTimeout(() => open(true), delay);
        } else setStatus('reconnecting');
      };
    };
    open(false);
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [labId]);
  return status;
}
