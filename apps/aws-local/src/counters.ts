/** Calls per action (`sts:AssumeRole`), every call counted, and separately those a fault answered. */
export class CallCounters {
  private calls = new Map<string, number>();
  private faulted = new Map<string, number>();

  count(action: string): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
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
  }
}
