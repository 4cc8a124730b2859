import type { CanaryWorld } from './canary-world.js';
import type { FaultInjection } from './fault-injection.js';
import type { AwsCall, MotoProxy } from './moto-proxy.js';

/**
 * What production traffic would have lived through while a canary ran under faults, judged at the proxy from every
 * write that landed in moto, in the order it landed: a weight moved toward a side without the healthy targets for
 * it, a weight change not read back before the next change or a scale-in, a side scaled in (or its scalable-target
 * minimum lowered to 0) while it had weight or before its weight 0 was read back, and a weight write that changed
 * nothing (a step taken twice). Target health moves only between deliveries (the harness registers tasks), so the
 * health the harness reports before a delivery holds for all of it.
 */

type Side = 'blue' | 'green';
export interface SideCounts {
  blue: number;
  green: number;
}

export interface CanaryTrafficWatch {
  /**
   * Watches the calls made while `faults` are armed. The watch is added to the proxy before the faults, so it sees
   * moto's own answer to a write whose caller is then told 500.
   */
  judgeUnder(faults: Pick<FaultInjection, 'faultOn' | 'isArmed'>): void;
  /** The healthy targets of each side for the coming delivery. */
  setHealthy(healthy: SideCounts): void;
  /** Every canary weight written and landed, in order (green's share, in percent). */
  canaryPercents(): number[];
  /** Landed weight writes (one per SDK call) that left the weights as they were. */
  repeatedWrites(): number;
  /** What traffic would have suffered; empty when nothing. */
  violations(): string[];
  /** True when the last weight change was read back after it landed. */
  lastChangeReadBack(): boolean;
  remove(): void;
}

const isQuery = (call: AwsCall, operation: string) =>
  call.service === 'elasticloadbalancing' && call.operation === operation;

/** The two sides' weights a ModifyRule/ModifyListener sets, from its query parameters. */
function weightsOf(call: AwsCall, world: CanaryWorld): SideCounts | undefined {
  const params = (call.params ?? {}) as Record<string, string>;
  const weights: Partial<SideCounts> = {};
  for (const [name, value] of Object.entries(params)) {
    const match = /^((?:Default)?Actions\.member\.\d+\.ForwardConfig\.TargetGroups\.member\.\d+)\.TargetGroupArn$/.exec(
      name,
    );
    if (!match) continue;
    const weight = Number(params[`${match[1]}.Weight`] ?? 1);
    if (value === world.blueTargetGroupArn) weights.blue = weight;
    if (value === world.greenTargetGroupArn) weights.green = weight;
  }
  return weights.blue === undefined || weights.green === undefined ? undefined : (weights as SideCounts);
}

/** Tasks a side needs for `percent` of all traffic when all of it needs `full` (as the README's "Capacity first"). */
const needed = (full: number, percent: number, minimum: number) =>
  percent <= 0 ? 0 : Math.max(minimum, Math.ceil((full * percent) / 100 - 1e-9));

/** Watches the canary world's forward action and sides; `full` is the stable side's desired count at the start. */
export function watchCanaryTraffic(
  proxy: MotoProxy,
  world: CanaryWorld,
  options: { full: number; minCanaryTasks?: number },
): CanaryTrafficWatch {
  let faults: Pick<FaultInjection, 'faultOn' | 'isArmed'> | undefined;
  let weights: SideCounts = { blue: 100, green: 0 };
  let healthy: SideCounts = { blue: options.full, green: 0 };
  const desired: SideCounts = { blue: options.full, green: 0 };
  let readBack = true;
  let repeats = 0;
  let lastInvocation: unknown;
  const percents: number[] = [];
  const violations: string[] = [];
  const sideOfService = (service: unknown): Side | undefined =>
    String(service).endsWith('web-blue') ? 'blue' : String(service).endsWith('web-green') ? 'green' : undefined;
  const tgOf = (side: Side) => `${side === 'blue' ? 'web-blue' : 'web-green'}`;

  const onWeights = (call: AwsCall) => {
    const next = weightsOf(call, world);
    if (!next) return;
    const invocation = call.headers['amz-sdk-invocation-id'];
    if (next.blue === weights.blue && next.green === weights.green) {
      // An SDK retry of a write that landed (same invocation) is the same write; another call is a second one.
      if (invocation === undefined || invocation !== lastInvocation) repeats += 1;
      return;
    }
    lastInvocation = invocation;
    if (!readBack) violations.push(`weights ${weights.green}/${weights.blue} were changed before being read back`);
    const total = next.blue + next.green;
    const percent = (w: number) => (total === 0 ? 0 : (100 * w) / total);
    for (const side of ['green', 'blue'] as const) {
      const need = needed(options.full, percent(next[side]), side === 'green' ? (options.minCanaryTasks ?? 1) : 1);
      if (next[side] > weights[side] && healthy[side] < need) {
        violations.push(
          `${tgOf(side)} went to ${next[side]} (${Math.round(percent(next[side]))} %) with ${healthy[side]} healthy targets, ${need} needed`,
        );
      }
    }
    weights = next;
    readBack = false;
    percents.push(Math.round(percent(next.green)));
  };

  const onScaleIn = (call: AwsCall, what: string) => {
    const params = (call.params ?? {}) as Record<string, unknown>;
    const side = sideOfService(params.service ?? params.ResourceId);
    if (!side) return;
    if (weights[side] > 0) violations.push(`${tgOf(side)} ${what} while it had weight ${weights[side]}`);
    else if (!readBack) violations.push(`${tgOf(side)} ${what} before its weight 0 was read back`);
  };

  const remove = proxy.addRule({
    name: 'what the canary did to traffic',
    match: (call) =>
      faults?.isArmed() === true &&
      (isQuery(call, 'ModifyRule') ||
        isQuery(call, 'ModifyListener') ||
        isQuery(call, 'DescribeRules') ||
        isQuery(call, 'DescribeListeners') ||
        (call.service === 'ecs' && call.operation === 'UpdateService') ||
        (call.service === 'application-autoscaling' && call.operation === 'RegisterScalableTarget')),
    rewrite: (call, upstream) => {
      if (upstream.status >= 300) return undefined;
      const params = (call.params ?? {}) as Record<string, unknown>;
      if (call.operation === 'ModifyRule' || call.operation === 'ModifyListener') onWeights(call);
      else if (call.operation === 'DescribeRules' || call.operation === 'DescribeListeners') {
        // Only an answer that reaches the caller reads anything back.
        if (faults?.faultOn(call) === undefined) readBack = true;
      } else if (call.operation === 'UpdateService' && typeof params.desiredCount === 'number') {
        const side = sideOfService(params.service);
        if (side && params.desiredCount < desired[side]) onScaleIn(call, `scaled to ${params.desiredCount}`);
        if (side) desired[side] = params.desiredCount;
      } else if (call.operation === 'RegisterScalableTarget' && params.MinCapacity === 0) {
        onScaleIn(call, 'had its scalable-target minimum lowered to 0');
      }
      return undefined;
    },
  });

  return {
    judgeUnder: (injected) => {
      faults = injected;
    },
    setHealthy: (now) => {
      healthy = { ...now };
    },
    canaryPercents: () => [...percents],
    repeatedWrites: () => repeats,
    violations: () => [...violations],
    lastChangeReadBack: () => readBack,
    remove,
  };
}
