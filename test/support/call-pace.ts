/** The most calls inside any window of `windowMs` starting at a call (arrival times in ms, oldest first). */
export function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && times[j] < times[i] + windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}
