import type { DeliveredEvent, PushChannel } from '@labkeys/push';
import type { LabSessionRepository, TenantScope } from '@labkeys/database';
import type { PushHub } from '../push/push-hub';
import { ClassProgressHub, PROGRESS_COALESCE_MS, type ClassProgressData } from './class-progress';

const scope = { tenantId: 't1' } as TenantScope;

function setup() {
  const channels = new Map<string, (d: DeliveredEvent) => void>();
  const stopped: string[] = [];
  const hub = {
    listen: jest.fn(async (channel: PushChannel, listener: (d: DeliveredEvent) => void) => {
      const key = channel.kind === 'lab' ? `${channel.tenantId}:${channel.labId}` : 'student';
      channels.set(key, listener);
      return () => stopped.push(key);
    }),
  } as unknown as PushHub;
  const counts = { ready: 0, waiting: 3, failed: 0 };
  const sessions = {
    classProgress: jest.fn(async () => ({ ...counts })),
  } as unknown as LabSessionRepository & { classProgress: jest.Mock };
  const progress = new ClassProgressHub(hub, sessions);
  const change = (labId: string) => channels.get(`t1:${labId}`)!({ id: '1-0', event: {} as DeliveredEvent['event'] });
  return { progress, hub, sessions, counts, change, stopped };
}

describe('ClassProgressHub', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('listens to a lab once for all its watchers and recounts at most once per 250 ms, for all of them', async () => {
    const t = setup();
    const a: ClassProgressData[] = [];
    const b: ClassProgressData[] = [];
    const stopA = t.progress.watch(scope, 'lab1', (p) => a.push(p));
    const stopB = t.progress.watch(scope, 'lab1', (p) => b.push(p));
    await Promise.resolve();
    expect(t.hub.listen).toHaveBeenCalledTimes(1);

    for (let i = 0; i < 20; i++) t.change('lab1');
    t.counts.ready = 2;
    t.counts.waiting = 1;
    await jest.advanceTimersByTimeAsync(PROGRESS_COALESCE_MS);
    expect(t.sessions.classProgress).toHaveBeenCalledTimes(1);
    const expected = { labId: 'lab1', ready: 2, waiting: 1, failed: 0, total: 3 };
    expect(a).toEqual([expected]);
    expect(b).toEqual([expected]);

    t.change('lab1');
    await jest.advanceTimersByTimeAsync(PROGRESS_COALESCE_MS);
    expect(t.sessions.classProgress).toHaveBeenCalledTimes(2);

    stopA();
    expect(t.stopped).toEqual([]);
    stopB();
    await Promise.resolve();
    expect(t.stopped).toEqual(['t1:lab1']);
    // Nobody left: a change that was already scheduled counts nothing.
    await jest.advanceTimersByTimeAsync(PROGRESS_COALESCE_MS);
    expect(t.sessions.classProgress).toHaveBeenCalledTimes(2);
  });

  it('keeps labs (and tenants) apart', async () => {
    const t = setup();
    const seen: string[] = [];
    t.progress.watch(scope, 'lab1', (p) => seen.push(p.labId));
    t.progress.watch(scope, 'lab2', (p) => seen.push(p.labId));
    await Promise.resolve();
    t.change('lab2');
    await jest.advanceTimersByTimeAsync(PROGRESS_COALESCE_MS);
    expect(seen).toEqual(['lab2']);
    expect(t.sessions.classProgress).toHaveBeenCalledWith(scope, 'lab2');
  });
});
