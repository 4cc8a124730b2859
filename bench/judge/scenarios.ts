import type { Scenario } from './world.js';

const base = { requestsPerMinute: 1000, stableErrorRate: 0.005, canaryErrorMultiple: 1, canaryLatencyMultiple: 1 };

/** The cells of the benchmark: healthy canaries, thin traffic, and the regressions a judge must catch. */
export const scenarios = {
  healthy: { ...base, name: 'healthy' },
  thin: { ...base, name: 'healthy, thin traffic (40/min)', requestsPerMinute: 40 },
  errors15: { ...base, name: '1.5× 5xx rate', canaryErrorMultiple: 1.5 },
  errors2: { ...base, name: '2× 5xx rate', canaryErrorMultiple: 2 },
  errors3: { ...base, name: '3× 5xx rate', canaryErrorMultiple: 3 },
  latency: { ...base, name: '+50 % response time', canaryLatencyMultiple: 1.5 },
} satisfies Record<string, Scenario>;

export type ScenarioKey = keyof typeof scenarios;
export const scenarioKeys = Object.keys(scenarios) as ScenarioKey[];
