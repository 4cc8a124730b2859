import { isDeepStrictEqual } from 'node:util';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  type ElasticLoadBalancingV2Client,
  type Action as ElbAction,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AutopilotError } from '../errors.js';
import {
  type ForwardSnapshot,
  forwardSnapshotOf,
  rewriteForwardWeights,
  type WeightedTargetGroup,
  weightProblem,
} from '../targets/forward.js';
import { isRuleArn, readActionList } from '../targets/forward-read.js';
import type { SetForwardWeightsAction, SetTaskDefinitionAction } from './actions.js';
import { type ActionKind, need } from './apply-and-verify.js';

/** The forward action changed between planning and writing: someone else edits it, and we do not fight them. */
export class ForwardActionChangedError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ForwardActionChangedError';
  }
}

/** Weights AWS would refuse (or we must): never written. */
export class InvalidWeightsError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidWeightsError';
  }
}

async function writeActionList(elbv2: ElasticLoadBalancingV2Client, actionArn: string, actions: ElbAction[]) {
  if (isRuleArn(actionArn)) await elbv2.send(new ModifyRuleCommand({ RuleArn: actionArn, Actions: actions }));
  else await elbv2.send(new ModifyListenerCommand({ ListenerArn: actionArn, DefaultActions: actions }));
}

const weightsText = (tgs: readonly WeightedTargetGroup[]) =>
  tgs.map((tg) => `${tg.targetGroupArn.split('/')[1]}=${tg.weight}`).join(', ');
const weightPairs = (tgs: readonly WeightedTargetGroup[]) => tgs.map((tg) => [tg.targetGroupArn, tg.weight]);
const sameWeights = (a: readonly WeightedTargetGroup[], b: readonly WeightedTargetGroup[]) =>
  isDeepStrictEqual(weightPairs(a), weightPairs(b));
const sameSticky = (a: ForwardSnapshot, b: ForwardSnapshot) =>
  (a.stickiness?.enabled ?? false) === (b.stickiness?.enabled ?? false) &&
  // Stryker disable next-line OptionalChaining: equivalent, b's stickiness is on whenever a's is (the line above)
  (!a.stickiness?.enabled || a.stickiness.durationSeconds === b.stickiness?.durationSeconds);
const intended = (action: SetForwardWeightsAction, snapshot: ForwardSnapshot) =>
  snapshot.targetGroups.map((tg) => ({ ...tg, weight: action.weights[tg.targetGroupArn] ?? tg.weight }));

/** Milliseconds to wait before re-reading a write that did not show yet (ALB rule changes are not instant everywhere). */
export const readBackPauseMs = { value: 500 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Read the whole action list, change two weights, write everything back; refuse when someone else changed it. */
export const setForwardWeights: ActionKind<SetForwardWeightsAction> = {
  async apply(action, clients) {
    const elbv2 = need(clients, 'elbv2');
    const actions = await readActionList(elbv2, action.actionArn);
    const snapshot = forwardSnapshotOf(actions);
    if (!snapshot) throw new ForwardActionChangedError(`${action.actionArn} no longer forwards`);
    const target = intended(action, snapshot);
    if (sameWeights(snapshot.targetGroups, target)) {
      return { changed: false, evidence: `read: ${weightsText(snapshot.targetGroups)} (already as intended)` };
    }
    if (!sameWeights(snapshot.targetGroups, action.expected.targetGroups) || !sameSticky(snapshot, action.expected)) {
      throw new ForwardActionChangedError(
        `the forward action changed since it was read: ${weightsText(snapshot.targetGroups)} instead of ${weightsText(action.expected.targetGroups)}`,
      );
    }
    const problem = weightProblem(target);
    if (problem) throw new InvalidWeightsError(`refusing to write weights: ${problem}`);
    await writeActionList(elbv2, action.actionArn, rewriteForwardWeights(actions, action.weights));
    return { changed: true, evidence: `wrote ${weightsText(target)}` };
  },
  async verify(action, clients) {
    const elbv2 = need(clients, 'elbv2');
    // Stryker disable next-line StringLiteral: equivalent, at least one attempt (writeAttempts 1–10) sets it first
    let evidence = '';
    for (let attempt = 1; attempt <= action.attempts; attempt += 1) {
      if (attempt > 1) await sleep(readBackPauseMs.value * (attempt - 1));
      const actions = await readActionList(elbv2, action.actionArn);
      const snapshot = forwardSnapshotOf(actions);
      if (!snapshot) return { ok: false, evidence: 'read back: the action no longer forwards' };
      const target = intended(action, snapshot);
      if (!sameSticky(snapshot, action.expected)) {
        return {
          ok: false,
          evidence: `read back: stickiness ${JSON.stringify(snapshot.stickiness ?? 'none')} changed`,
        };
      }
      if (sameWeights(snapshot.targetGroups, target)) {
        return { ok: true, evidence: `read back ${weightsText(snapshot.targetGroups)} after ${attempt} write(s)` };
      }
      if (!sameWeights(snapshot.targetGroups, action.expected.targetGroups)) {
        // Neither this write nor what it replaced: someone else wrote in between, and what they wrote is not undone.
        return {
          ok: false,
          evidence: `read back ${weightsText(snapshot.targetGroups)}, neither the ${weightsText(target)} written nor the ${weightsText(action.expected.targetGroups)} it replaced: changed by someone else, not written again`,
        };
      }
      evidence = `read back ${weightsText(snapshot.targetGroups)}, wanted ${weightsText(target)}`;
      // A write that did not land (throttled, not visible yet) is written again, from a fresh read, within the bound.
      if (attempt < action.attempts)
        await writeActionList(elbv2, action.actionArn, rewriteForwardWeights(actions, action.weights));
    }
    return { ok: false, evidence: `${evidence} after ${action.attempts} write(s)` };
  },
};

/** UpdateService with a task definition, refused by the guardrail when ECS owns the service's weights. */
export const setTaskDefinition: ActionKind<SetTaskDefinitionAction> = {
  async apply(action, clients) {
    const ecs = need(clients, 'ecs');
    await ecs.send(
      new UpdateServiceCommand({
        cluster: action.clusterName,
        service: action.serviceName,
        taskDefinition: action.taskDefinition,
      }),
    );
    return { changed: true, evidence: 'UpdateService accepted' };
  },
  async verify(action, clients) {
    const ecs = need(clients, 'ecs');
    const out = await ecs.send(
      new DescribeServicesCommand({ cluster: action.clusterName, services: [action.serviceName] }),
    );
    const current = out.services?.[0]?.taskDefinition ?? 'unknown';
    const ok = current === action.taskDefinition || current.endsWith(`/${action.taskDefinition}`);
    return { ok, evidence: `read back: task definition ${current}` };
  },
};
