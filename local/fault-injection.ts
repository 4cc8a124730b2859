import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { type AwsCall, type MotoProxy, type ProxyRule, serverError, throttlingError } from './moto-proxy.js';

/**
 * Faults as AWS produces them, injected by the proxy in front of moto into a chosen share of the calls under test,
 * and an account of every mutating call that reached moto and landed there, whatever its caller was told.
 *
 * Three faults, drawn once per call from a seeded generator so a scenario replays the same way: a throttle (the call
 * never reaches moto), a 500 after the write landed, and an answer held past the caller's request timeout after the
 * write landed. The share applies per operation: every operation's calls fail at about that rate, reads and writes.
 */

export type FaultKind = 'throttle' | '5xx' | 'timeout';

/** Operations that change something in AWS (reads are Describe/List/Get/Receive/Query/Scan). */
const MUTATING =
  /^(Update|Deregister|Register|Stop|Start|Run|Send|Put|Delete|Modify|Tag|Untag|Publish|Create|Set|Change|TransactWrite|BatchWrite)/;

export const isMutating = (call: Pick<AwsCall, 'operation'>): boolean => MUTATING.test(call.operation);

/** A mutating call that landed: one SDK call (its retries share an invocation id) with its parameters. */
export interface LandedWrite {
  service?: string;
  operation: string;
  invocationId: string;
  params: unknown;
}

export interface FaultInjectionOptions {
  seed: number;
  /** Share of matching calls that fail; default 0.1. */
  share?: number;
  /** The calls that may fail: the code under test's, not the harness's own reads. */
  appliesTo: (call: AwsCall) => boolean;
  /** How long a timed-out answer is held: longer than the request timeout of the code under test; default 1.5 s. */
  timeoutMs?: number;
}

export interface FaultInjection {
  /** Runs `work` with faults armed: only calls that arrive while some `armed` work runs can fail or are counted. */
  armed<T>(work: () => Promise<T>): Promise<T>;
  /** Faults injected so far, per `service:operation` and kind. */
  injected(): Record<string, Partial<Record<FaultKind, number>>>;
  totalInjected(): number;
  /** Mutating SDK calls that landed in moto, each once however many attempts reached it. */
  landed(): LandedWrite[];
  /** Landed mutating SDK calls per `service:operation`. */
  landedCounts(): Record<string, number>;
  /**
   * Per `service:operation`, attempts of mutating calls (any caller's, armed or not) that landed in moto and whose
   * success never reached their caller: an injected 500 or timeout, or a caller that stopped waiting on its own (a
   * slow answer on a loaded machine). Each is a write its caller may make again.
   */
  lostAnswers(): Record<string, number>;
  /** The fault drawn for `call` (a rule of the proxy asks while the call is served), or undefined: answered as moto does. */
  faultOn(call: AwsCall): FaultKind | undefined;
  /** True while some `armed` work runs: a call arriving now is the code under test's. */
  isArmed(): boolean;
  /** Removes the proxy rules. */
  remove(): void;
}

/** A seeded uniform generator on [0, 1). */
export function seededRandom(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => uniformFloat64(rng);
}

const KINDS: readonly FaultKind[] = ['throttle', '5xx', 'timeout'];
const key = (call: Pick<AwsCall, 'service' | 'operation'>) => `${call.service ?? '?'}:${call.operation}`;

/** Adds the fault rules and the landed-write account to `proxy`. */
export function injectFaults(proxy: MotoProxy, options: FaultInjectionOptions): FaultInjection {
  const random = seededRandom(options.seed);
  const share = options.share ?? 0.1;
  let arming = 0;
  const decided = new WeakMap<AwsCall, FaultKind | undefined>();
  const injected: Record<string, Partial<Record<FaultKind, number>>> = {};
  const landed = new Map<string, LandedWrite>();
  const lostAnswers = lostAnswerAccount();

  /** One draw per call, at its arrival; a call that arrives unarmed never fails. */
  const faultOf = (call: AwsCall): FaultKind | undefined => {
    if (decided.has(call)) return decided.get(call);
    let fault: FaultKind | undefined;
    if (arming > 0 && options.appliesTo(call) && random() < share) {
      fault = KINDS[Math.floor(random() * KINDS.length)];
      if (fault) {
        const counts = injected[key(call)] ?? {};
        counts[fault] = (counts[fault] ?? 0) + 1;
        injected[key(call)] = counts;
      }
    }
    decided.set(call, fault);
    return fault;
  };
  const watched = (call: AwsCall) => {
    faultOf(call);
    return arming > 0 && options.appliesTo(call) && isMutating(call);
  };

  const removers = [
    proxy.addRule({
      name: 'account of landed writes',
      match: watched,
      rewrite: (call, upstream) => {
        const invocationId = String(call.headers['amz-sdk-invocation-id'] ?? `${key(call)}#${landed.size}`);
        if (upstream.status < 300 && !landed.has(invocationId)) {
          landed.set(invocationId, {
            ...(call.service !== undefined && { service: call.service }),
            operation: call.operation,
            invocationId,
            params: call.params,
          });
        }
        return undefined;
      },
    }),
    proxy.addRule(lostAnswers.rule),
    proxy.addRule({ name: 'injected throttle', match: (c) => faultOf(c) === 'throttle', respond: throttlingError }),
    proxy.addRule({
      name: 'injected 500 after the call landed',
      match: (c) => faultOf(c) === '5xx',
      rewrite: (call) => serverError(call, 500),
    }),
    proxy.addRule({
      name: 'injected timeout after the call landed',
      match: (c) => faultOf(c) === 'timeout',
      answerDelayMs: options.timeoutMs ?? 1_500,
    }),
  ];

  return {
    async armed(work) {
      arming += 1;
      try {
        return await work();
      } finally {
        arming -= 1;
      }
    },
    injected: () => structuredClone(injected),
    totalInjected: () =>
      Object.values(injected).reduce((sum, kinds) => sum + Object.values(kinds).reduce((a, b) => a + b, 0), 0),
    landed: () => [...landed.values()],
    landedCounts() {
      const counts: Record<string, number> = {};
      for (const write of landed.values()) counts[key(write)] = (counts[key(write)] ?? 0) + 1;
      return counts;
    },
    lostAnswers: () => ({ ...lostAnswers.counts }),
    faultOn: (call) => decided.get(call),
    isArmed: () => arming > 0,
    remove: () => {
      for (const remove of removers) remove();
    },
  };
}

/**
 * Which attempts of mutating calls landed without their caller taking the answer: the connection closed before the
 * answer was whole (the caller stopped waiting), the answer was an error, or the SDK sent another attempt of the same
 * call (its invocation id) afterwards, which covers an answer written just as the caller gave up on it.
 */
function lostAnswerAccount() {
  const counts: Record<string, number> = {};
  const took = new Set<AwsCall>();
  const lost = new WeakSet<AwsCall>();
  const landedAttempts = new Map<string, AwsCall[]>();
  const invocationOf = (call: AwsCall) => {
    const id = call.headers['amz-sdk-invocation-id'];
    return id === undefined ? undefined : String(id);
  };
  const lose = (call: AwsCall) => {
    if (lost.has(call)) return;
    lost.add(call);
    counts[key(call)] = (counts[key(call)] ?? 0) + 1;
  };
  const rule: ProxyRule = {
    name: 'account of answers lost after a write landed',
    match: (call) => {
      if (!isMutating(call)) return false;
      const id = invocationOf(call);
      for (const earlier of (id && landedAttempts.get(id)) || []) lose(earlier);
      return true;
    },
    rewrite: (call, upstream) => {
      if (upstream.status >= 300) return undefined;
      took.add(call);
      const id = invocationOf(call);
      if (id) landedAttempts.set(id, [...(landedAttempts.get(id) ?? []), call]);
      return undefined;
    },
    answered: (call, status) => {
      if (took.has(call) && (status === undefined || status >= 300)) lose(call);
    },
  };
  return { rule, counts };
}

/**
 * The seeds a fault scenario runs with: `base` alone in the suite; `FAULT_RUNS=n` runs n seeds from it, for a longer
 * search (`FAULT_SEED` picks another base, to replay a failing run).
 */
export function faultSeeds(base: number): number[] {
  const from = Number(process.env.FAULT_SEED ?? base);
  const runs = Math.max(1, Number(process.env.FAULT_RUNS ?? 1));
  return Array.from({ length: runs }, (_, i) => from + i);
}

/** Every `<target group ARN> <id>:<port>` that a landed DeregisterTargets removed, once per SDK call that landed. */
export function landedDeregistrations(faults: Pick<FaultInjection, 'landed'>): string[] {
  return faults
    .landed()
    .filter((write) => write.operation === 'DeregisterTargets')
    .flatMap((write) => {
      const params = write.params as Record<string, string>;
      return Object.keys(params)
        .filter((name) => /^Targets\.member\.\d+\.Id$/.test(name))
        .map((name) => `${params.TargetGroupArn} ${params[name]}:${params[name.replace(/Id$/, 'Port')]}`);
    });
}
