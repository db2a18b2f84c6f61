import type Redis from 'ioredis';
import type { AppConfig } from '@labkeys/config';
import { StsPacer } from './sts-pacer';

describe('StsPacer.acquire', () => {
  let pacer: StsPacer;
  let reserve: jest.SpyInstance<Promise<number>, [string]>;

  beforeEach(() => {
    jest.useFakeTimers();
    const redis = { labkeysStsReserve: jest.fn() } as unknown as Redis;
    const config = { stsCallsPerSecondPerAccount: 20, queuePrefix: 'lk' } as AppConfig;
    pacer = new StsPacer(redis, config);
    reserve = jest.spyOn(pacer, 'reserve');
  });
  afterEach(() => jest.useRealTimers());

  /** Runs acquire to its answer, letting each wait it holds elapse on the fake clock. */
  async function settle(answer: Promise<number>): Promise<{ value: number; heldMs: number }> {
    const start = Date.now();
    let value: number | undefined;
    void answer.then((v) => (value = v));
    while (value === undefined) await jest.advanceTimersToNextTimerAsync();
    return { value, heldMs: Date.now() - start };
  }

  it('goes at once when the slot is free', async () => {
    reserve.mockResolvedValueOnce(0);
    await expect(settle(pacer.acquire('111111111111'))).resolves.toEqual({ value: 0, heldMs: 0 });
    expect(reserve).toHaveBeenCalledTimes(1);
  });

  it('holds short waits in place and asks again until it goes', async () => {
    reserve.mockResolvedValueOnce(300).mockResolvedValueOnce(250).mockResolvedValueOnce(0);
    await expect(settle(pacer.acquire('111111111111'))).resolves.toEqual({ value: 0, heldMs: 550 });
    expect(reserve).toHaveBeenCalledTimes(3);
    expect(reserve).toHaveBeenCalledWith('111111111111');
  });

  it('hands a wait back for the queue once holding it would pass the bound', async () => {
    reserve.mockResolvedValueOnce(600).mockResolvedValueOnce(600);
    await expect(settle(pacer.acquire('111111111111', 1000))).resolves.toEqual({ value: 600, heldMs: 600 });
    expect(reserve).toHaveBeenCalledTimes(2);
  });

  it('hands a long first wait straight back', async () => {
    reserve.mockResolvedValueOnce(5000);
    await expect(settle(pacer.acquire('111111111111'))).resolves.toEqual({ value: 5000, heldMs: 0 });
  });
});
