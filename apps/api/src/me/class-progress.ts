import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { LabSessionRepository, type TenantScope } from '@labkeys/database';
import type { StudentActor } from '../auth/actor';
import { PushHub } from '../push/push-hub';
import type { SseMessage, SseStream } from '../push/sse-stream';

/** Recounted at most this often per lab, however fast its sessions change (as the instructor's lab.readiness). */
export const PROGRESS_COALESCE_MS = 250;

/** What a waiting student sees of their class: counts only, never anyone's id or email. */
export interface ClassProgressData {
  labId: string;
  ready: number;
  waiting: number;
  failed: number;
  total: number;
}

type Listener = (progress: ClassProgressData) => void;

interface Watched {
  listeners: Set<Listener>;
  stop: Promise<() => void>;
  timer?: NodeJS.Timeout;
}

/**
 * The class start as its waiting students see it: one watch per lab in this process, whoever watches it. The
 * lab's push channel tells when sessions change; one recount per lab every 250 ms at most is fanned out to
 * every watcher, so a class of hundreds waiting costs one query per lab, not one per student.
 */
@Injectable()
export class ClassProgressHub implements OnModuleDestroy {
  private readonly labs = new Map<string, Watched>();

  constructor(
    private readonly hub: PushHub,
    private readonly sessions: LabSessionRepository,
  ) {}

  async current(scope: TenantScope, labId: string): Promise<ClassProgressData> {
    const counts = await this.sessions.classProgress(scope, labId);
    return { labId, ...counts, total: counts.ready + counts.waiting + counts.failed };
  }

  /** The share of one student stream (see ClassProgressFeed). */
  feed(me: StudentActor, stream: SseStream): ClassProgressFeed {
    return new ClassProgressFeed(this, this.sessions, me, stream);
  }

  /** Calls `listener` with the lab's counts after its sessions change; answers the function that stops it. */
  watch(scope: TenantScope, labId: string, listener: Listener): () => void {
    const key = `${scope.tenantId}:${labId}`;
    let watched = this.labs.get(key);
    if (!watched) {
      const entry: Watched = {
        listeners: new Set(),
        stop: this.hub.listen({ kind: 'lab', tenantId: scope.tenantId, labId }, () =>
          this.schedule(scope, labId, entry),
        ),
      };
      // Not listening is only a quieter page (its own events still come): never an error for the stream.
      entry.stop.catch(() => undefined);
      this.labs.set(key, entry);
      watched = entry;
    }
    watched.listeners.add(listener);
    const entry = watched;
    return () => {
      entry.listeners.delete(listener);
      if (entry.listeners.size > 0 || this.labs.get(key) !== entry) return;
      this.labs.delete(key);
      this.release(entry);
    };
  }

  private schedule(scope: TenantScope, labId: string, entry: Watched): void {
    if (entry.timer) return;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (entry.listeners.size === 0) return;
      // A recount that fails is skipped; the next change of the lab retries.
      this.current(scope, labId).then(
        (progress) => entry.listeners.forEach((listener) => listener(progress)),
        () => undefined,
      );
    }, PROGRESS_COALESCE_MS);
  }

  private release(entry: Watched): void {
    clearTimeout(entry.timer);
    entry.stop.then(
      (stop) => stop(),
      () => undefined,
    );
  }

  onModuleDestroy(): void {
    for (const entry of this.labs.values()) this.release(entry);
    this.labs.clear();
  }
}

/**
 * One student stream's share: the labs in which this student's own session is being issued, each followed as
 * `lab.progress` until it is not. `sync` reads those labs again (on open and at each of the student's events).
 */
export class ClassProgressFeed {
  private readonly watching = new Map<string, () => void>();

  constructor(
    private readonly progress: ClassProgressHub,
    private readonly sessions: LabSessionRepository,
    private readonly me: StudentActor,
    private readonly stream: SseStream,
  ) {
    stream.onClose(() => {
      for (const stop of this.watching.values()) stop();
      this.watching.clear();
    });
  }

  /** Follows the labs the student now waits in and stops following the others; answers their counts now. */
  async sync(): Promise<SseMessage[]> {
    if (this.stream.closed) return [];
    const waiting = new Set(
      await this.sessions.waitingLabsOfStudent(this.me.scope, this.me.studentId, this.me.courseId),
    );
    // Closed meanwhile: its cleanup has run, so nothing may be watched for it any more.
    if (this.stream.closed) return [];
    for (const [labId, stop] of this.watching)
      if (!waiting.has(labId)) {
        stop();
        this.watching.delete(labId);
      }
    const fresh = [...waiting].filter((labId) => !this.watching.has(labId));
    for (const labId of fresh)
      this.watching.set(
        labId,
        this.progress.watch(this.me.scope, labId, (data) => {
          if (!this.stream.closed) this.stream.send(progressMessage(data));
        }),
      );
    return Promise.all(fresh.map(async (labId) => progressMessage(await this.progress.current(this.me.scope, labId))));
  }
}

const progressMessage = (data: ClassProgressData): SseMessage => ({ event: 'lab.progress', data });
