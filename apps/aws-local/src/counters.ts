/** Arrival times kept per action; enough for a pacing test or a bench run, bounded so a long run cannot grow it without end. */
export const CALL_TIMES_KEPT = 100_000;

/**
 * Calls per action (`sts:AssumeRole`), every call counted, and separately those a fault answered; plus each
 * call's arrival time (epoch ms, the host's clock, not the skewed one), so tests can check a caller's pace.
 */
export class CallCounters {
  private calls = new Map<string, number>();
  private faulted = new Map<string, number>();
  private times = new Map<string, number[]>();

  count(action: string, at = Date.now()): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
    let list = this.times.get(action);
    if (!list) this.times.set(action, (list = []));
    if (list.length >= CALL_TIMES_KEPT) list.splice(0, list.length - CALL_TIMES_KEPT + 1);
    list.push(at);
  }

  /** Arrival times of one action's calls, oldest first (the last CALL_TIMES_KEPT). */
  callTimes(action: string): number[] {
    return [...(this.times.get(action) ?? [])];
  }

  countFaulted(action: string): void {
    this.faulted.set(action, (this.faulted.get(action) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.calls);
  }

  faultedSnapshot(): Record<string, number> {
    return Object.fromEntries(this.faulted);
  }

  reset(): void {
    this.calls.clear();
    this.faulted.clear();
    this.times.clear();
  }
}
