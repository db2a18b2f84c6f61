import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@labkeys/config';

/**
 * GCRA (the generic cell rate algorithm) on Redis' own clock, shared by every worker of a queue prefix.
 * KEYS[1] holds the theoretical arrival time of the next call (µs), KEYS[2] the next return time handed to a
 * caller that had to wait. A call may go when it is at most `tolerance` early; it then moves the arrival time
 * one interval on. Otherwise it is told when to come back, each waiting caller one interval after the last,
 * so the waiting ones return spread out at the allowed rate instead of all at once; nothing is consumed for
 * them until they actually go. Times are passed through string.format because Lua would print them in
 * exponent notation.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now <= tolerance then
  local nextTat = tat + interval
  redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1000)
  return 0
end
local slot = tonumber(redis.call('GET', KEYS[2]) or '0')
if slot < tat - tolerance then slot = tat - tolerance end
redis.call('SET', KEYS[2], string.format('%.0f', slot + interval), 'PX', math.ceil((slot + interval - now) / 1000) + 1000)
return math.max(1, math.ceil((slot - now) / 1000))`;

/**
 * How early a call may go before its slot: absorbs the lateness of delayed jobs (a caller arriving just after a
 * late one would otherwise be sent to the back of the line). One interval, or 50 ms at high rates, so any 1-s
 * window holds at most one call more than the rate, or 5 % more.
 */
const TOLERANCE_MICROS_AT_LEAST = 50_000;

/**
 * How long a job may wait for its slot in the worker before it is delayed in the queue instead. A delayed job
 * comes back through Redis and gives its claim back and takes it again; a short wait is cheaper held in place,
 * and a job held in place comes back on time (a delayed one is late under load and then queues behind the
 * callers that came after it). Far below the issuance lease, so a held claim is never taken for abandoned.
 */
export const PACE_HOLD_AT_MOST_MS = 1000;

type PacedRedis = Redis & {
  labkeysStsReserve(
    tatKey: string,
    backlogKey: string,
    intervalMicros: string,
    toleranceMicros: string,
  ): Promise<number>;
};

/**
 * Paces AssumeRole per AWS account (AWS publishes no per-account rate, so it is configurable). `reserve`
 * answers 0 when the call may go now (its slot is taken), or how many ms to wait; a long wait delays the job,
 * not holding a worker slot, and it asks again when it comes back. A fixed one-second window let up to twice the
 * rate through around each window's edge; GCRA holds the rate over any window. `acquire` holds short waits in
 * the worker.
 */
@Injectable()
export class StsPacer {
  private readonly intervalMicros: number;
  private readonly toleranceMicros: number;

  constructor(
    private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    if (!('labkeysStsReserve' in redis)) redis.defineCommand('labkeysStsReserve', { numberOfKeys: 2, lua: RESERVE });
    const rate = config.stsCallsPerSecondPerAccount;
    this.intervalMicros = 1_000_000 / rate;
    this.toleranceMicros = Math.max(this.intervalMicros, TOLERANCE_MICROS_AT_LEAST);
  }

  /**
   * Takes a slot for one AssumeRole, waiting here while the wait stays within PACE_HOLD_AT_MOST_MS in all:
   * 0 when the call may go now, otherwise how many ms the job should be delayed for.
   */
  async acquire(accountId: string, holdAtMostMs = PACE_HOLD_AT_MOST_MS): Promise<number> {
    let held = 0;
    for (;;) {
      const wait = await this.reserve(accountId);
      if (wait === 0 || held + wait > holdAtMostMs) return wait;
      await new Promise((resolve) => setTimeout(resolve, wait));
      held += wait;
    }
  }

  async reserve(accountId: string): Promise<number> {
    const base = `${this.config.queuePrefix}:sts-pace:{${accountId}}`;
    // A defined command runs by EVALSHA: the script text is not resent with every job.
    return Number(
      await (this.redis as unknown as PacedRedis).labkeysStsReserve(
        `${base}:tat`,
        `${base}:backlog`,
        this.intervalMicros.toFixed(3),
        this.toleranceMicros.toFixed(3),
      ),
    );
  }
}
