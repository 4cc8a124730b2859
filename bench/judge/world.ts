import normalFactory from '@stdlib/random-base-normal';
import poissonFactory from '@stdlib/random-base-poisson';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { MinuteMetrics } from '#shared/canary/judge.js';

/** What is true of one simulated service and its canary. */
export interface Scenario {
  name: string;
  /** Requests per minute to both sides together, at the mean of the daily swing. */
  requestsPerMinute: number;
  /** Stable's 5xx rate at the mean. */
  stableErrorRate: number;
  /** The canary's 5xx rate as a multiple of stable's: 1 is healthy. */
  canaryErrorMultiple: number;
  /** The canary's mean response time as a multiple of stable's: 1 is healthy. */
  canaryLatencyMultiple: number;
}

/** The noise every scenario lives in: what makes a healthy canary look unhealthy now and then. */
export interface Noise {
  /** Relative amplitude of the daily swing in traffic; each run starts at a random time of day. */
  diurnalAmplitude: number;
  /** Log-normal spread of the error rate both sides share, minute to minute (a dependency, the traffic mix). */
  sharedErrorSigma: number;
  /** Log-normal spread of stable's error rate alone, minute to minute (a noisy stable). */
  stableErrorSigma: number;
  /** Chance per minute that a brief blip starts: both sides' error rate jumps, response times double. */
  blipChance: number;
  /** Error-rate multiple during a blip, and its length in minutes (uniform from 1 to this). */
  blipErrorMultiple: number;
  blipMaxMinutes: number;
  /** Stable's mean response time, the spread of single requests (coefficient of variation), shared drift. */
  latencySeconds: number;
  latencyCv: number;
  sharedLatencySigma: number;
}

export const defaultNoise: Noise = {
  diurnalAmplitude: 0.3,
  sharedErrorSigma: 0.4,
  stableErrorSigma: 0.2,
  blipChance: 1 / 60,
  blipErrorMultiple: 20,
  blipMaxMinutes: 3,
  latencySeconds: 0.12,
  latencyCv: 1,
  sharedLatencySigma: 0.15,
};

/** One run's world: Poisson traffic and errors per minute for both sides, from one seed. */
export class SimulatedService {
  readonly #scenario: Scenario;
  readonly #noise: Noise;
  readonly #poisson: (mean: number) => number;
  readonly #normal: () => number;
  readonly #uniform: () => number;
  readonly #dayOffset: number;
  #blipLeft = 0;

  constructor(scenario: Scenario, noise: Noise, seed: number) {
    const rng = xoroshiro128plus(seed);
    this.#uniform = () => uniformFloat64(rng);
    const poisson = poissonFactory.factory({ prng: this.#uniform });
    const normal = normalFactory.factory({ prng: this.#uniform });
    this.#poisson = (mean) => (mean > 0 ? poisson(mean) : 0);
    this.#normal = () => normal(0, 1);
    this.#scenario = scenario;
    this.#noise = noise;
    this.#dayOffset = this.#uniform() * 1440;
  }

  /** A mean-one log-normal factor with log-spread `sigma`. */
  #spread(sigma: number): number {
    return sigma > 0 ? Math.exp(sigma * this.#normal() - (sigma * sigma) / 2) : 1;
  }

  /** The mean response time of `requests` requests with mean `mean`, skewed right as single response times are. */
  #minuteLatency(requests: number, mean: number): number | undefined {
    if (requests <= 0) return undefined;
    const cv = this.#noise.latencyCv / Math.sqrt(requests);
    return mean * this.#spread(Math.sqrt(Math.log(1 + cv * cv)));
  }

  /** Minute `minute` (0 = the canary's start, at ISO time `at`) with the canary taking `canaryPercent` %. */
  next(minute: number, at: string, canaryPercent: number): { canary: MinuteMetrics; stable: MinuteMetrics } {
    const { scenario, noise } = { scenario: this.#scenario, noise: this.#noise };
    const day = Math.sin((2 * Math.PI * (minute + this.#dayOffset)) / 1440);
    const rate = scenario.requestsPerMinute * (1 + noise.diurnalAmplitude * day);
    if (this.#blipLeft === 0 && this.#uniform() < noise.blipChance) {
      this.#blipLeft = 1 + Math.floor(this.#uniform() * noise.blipMaxMinutes);
    }
    const blip = this.#blipLeft > 0;
    if (blip) this.#blipLeft -= 1;
    const errorRate =
      scenario.stableErrorRate * this.#spread(noise.sharedErrorSigma) * (blip ? noise.blipErrorMultiple : 1);
    const latency = noise.latencySeconds * this.#spread(noise.sharedLatencySigma) * (blip ? 2 : 1);
    const canaryRequests = this.#poisson((rate * canaryPercent) / 100);
    const stableRequests = this.#poisson((rate * (100 - canaryPercent)) / 100);
    const canaryRate = Math.min(1, errorRate * scenario.canaryErrorMultiple);
    const stableRate = Math.min(1, errorRate * this.#spread(noise.stableErrorSigma));
    const canaryLatency = this.#minuteLatency(canaryRequests, latency * scenario.canaryLatencyMultiple);
    const stableLatency = this.#minuteLatency(stableRequests, latency);
    return {
      canary: {
        at,
        requests: canaryRequests,
        errors: Math.min(canaryRequests, this.#poisson(canaryRequests * canaryRate)),
        ...(canaryLatency !== undefined ? { latencySeconds: canaryLatency } : {}),
      },
      stable: {
        at,
        requests: stableRequests,
        errors: Math.min(stableRequests, this.#poisson(stableRequests * stableRate)),
        ...(stableLatency !== undefined ? { latencySeconds: stableLatency } : {}),
      },
    };
  }
}
