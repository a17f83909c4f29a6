// The Panorama rate limit counts what Panorama sees: requests whose trip takes
// longer than others (a TLS handshake, a loaded machine) still never put more
// than panorama_rps arrivals into one second.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../../src/drivers/panos/pool.js';
import { peakPerSecond } from '../../engine/panos-e2e.js';

afterEach(() => vi.useRealTimers());

/** `n` requests through the limiter; request i reaches Panorama `arrive(i)` ms after it is sent and is answered `answer` ms after it is sent. */
async function simulate(rps: number, n: number, arrive: (i: number) => number, answer: number): Promise<{ arrivals: number[]; sends: number[] }> {
  vi.useFakeTimers();
  const limiter = new RateLimiter(rps);
  const arrivals: number[] = [];
  const sends: number[] = [];
  const all = Array.from({ length: n }, async (_, i) => {
    const done = await limiter.take();
    const sent = Date.now();
    sends.push(sent);
    arrivals.push(sent + arrive(i));
    await new Promise((r) => setTimeout(r, answer));
    done();
  });
  await vi.advanceTimersByTimeAsync(120_000);
  await Promise.all(all);
  return { arrivals, sends };
}

describe('Panorama rate limiter', () => {
  it('a slow first request and fast later ones: never more than rps arrivals in any second', async () => {
    // The first of each burst travels 400 ms, the others arrive at once: counting from the send alone lets 6 land in one second.
    const { arrivals } = await simulate(5, 40, (i) => (i % 5 === 0 ? 400 : 0), 400);
    expect(peakPerSecond(arrivals)).toBeLessThanOrEqual(5);
  });

  it('uneven trips of up to 900 ms over 60 requests: at most rps arrivals a second, and requests do go in parallel', async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const trips = Array.from({ length: 60 }, () => Math.floor(rand() * 900));
    const { arrivals, sends } = await simulate(8, 60, (i) => trips[i], 900);
    expect(peakPerSecond(arrivals)).toBeLessThanOrEqual(8);
    // Not one at a time: the first 8 go out together.
    expect(sends.slice(0, 8).every((t) => t === sends[0])).toBe(true);
  });

  it('a slot is freed a second after the answer, not held while nothing is under way', async () => {
    const { sends } = await simulate(2, 4, () => 0, 100);
    const t0 = sends[0];
    expect(sends.map((t) => t - t0)).toEqual([0, 0, 1100, 1100]);
  });
});
