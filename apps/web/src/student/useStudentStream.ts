import { useEffect, useRef, useState } from 'react';

/** What the student stream sends (apps/api/src/me/student.controller.ts `events`). */
export type StudentEventType =
  | 'session.current'
  | 'session.queued'
  | 'session.issued'
  | 'session.renewed'
  | 'session.expiring'
  | 'session.ended'
  | 'session.failed'
  | 'session.revoking'
  /** The class's counts while the student's own session is being issued (no event id: not resumed). */
  | 'lab.progress';
/** `lab.progress`: counts only (apps/api/src/me/class-progress.ts). */
export interface ClassProgress {
  labId: string;
  ready: number;
  waiting: number;
  failed: number;
  total: number;
}
export interface StudentEvent {
  type: StudentEventType;
  data: {
    sessionId?: string;
    state?: string;
    detail?: Record<string, string | number | boolean | null> | null;
    expiration?: string;
  } & Partial<ClassProgress>;
}
export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

const EVENT_TYPES: StudentEventType[] = [
  'session.current',
  'session.queued',
  'session.issued',
  'session.renewed',
  'session.expiring',
  'session.ended',
  'session.failed',
  'session.revoking',
  'lab.progress',
];
const MAX_BACKOFF_MS = 30_000;

interface Handlers {
  event: (event: StudentEvent) => void;
  /** The server ended the stream with an error (its `error` event), e.g. 401 once the access no longer works. */
  refused: (status: number) => void;
  /** Read the state again: a new connection without an id to resume from, or one the browser gave up on. */
  resync: () => void;
}

/**
 * The student's live stream over EventSource (the session cookie authenticates it, same origin). After a
 * dropped connection EventSource reconnects by itself and sends Last-Event-ID; when it gives up (readyState
 * CLOSED: the api was away or answered an error) a new one is opened with exponential backoff, resuming from
 * the last event id it saw (`?lastEventId=`, since EventSource cannot set the header itself).
 */
export function useStudentStream(enabled: boolean, handlers: Handlers): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    let lastEventId = '';
    const open = () => {
      const url = lastEventId ? `/v1/me/events?lastEventId=${encodeURIComponent(lastEventId)}` : '/v1/me/events';
      const opened = new EventSource(url, { withCredentials: true });
      source = opened;
      opened.onopen = () => {
        attempt = 0;
        setStatus('live');
        // Without an id to resume from, the stream starts with the current state; otherwise it replays.
        if (!lastEventId) latest.current.resync();
      };
      for (const type of EVENT_TYPES) {
        opened.addEventListener(type, (e) => {
          const message = e as MessageEvent<string>;
          if (message.lastEventId) lastEventId = message.lastEventId;
          latest.current.event({ type, data: JSON.parse(message.data) as StudentEvent['data'] });
        });
      }
      opened.addEventListener('error', (e) => {
        if (stopped || source !== opened) return;
        const data = (e as MessageEvent<string>).data;
        if (typeof data === 'string' && data) {
          const status = Number((JSON.parse(data) as { status?: number }).status);
          if (status >= 400 && status < 500) latest.current.refused(status);
        }
        if (opened.readyState === EventSource.CLOSED) {
          opened.close();
          setStatus('reconnecting');
          // Closed for good by the browser: the page checks whether the access still works before the next try.
          latest.current.resync();
          const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt++) * (0.75 + Math.random() * 0.5);
          retry = setTimeout(open, delay);
        } else setStatus('reconnecting');
      });
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [enabled]);
  return status;
}
