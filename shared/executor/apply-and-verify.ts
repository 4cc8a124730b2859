import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  StopTaskCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DeregisterTargetsCommand,
  type ElasticLoadBalancingV2Client,
  InvalidTargetException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ECS_DESIRED_COUNT } from '../services/scalable-target.js';
import { isInService } from '../targets/membership.js';
import { observeTargetGroupHealth } from '../targets/observe.js';
import type { Target } from '../targets/types.js';
import type {
  Action,
  DeregisterTargetsAction,
  SetDesiredCountAction,
  SetScalableTargetBoundsAction,
  StopTaskAction,
  TagServiceAction,
} from './actions.js';
import type { VerificationMode } from './audit.js';
import { MissingClientError } from './errors.js';
import { setForwardWeights, setTaskDefinition } from './forward-kinds.js';

/** The clients the executor mutates AWS through; a function passes those its actions need, so it bundles no other. */
export interface ExecutorClients {
  elbv2?: ElasticLoadBalancingV2Client;
  ecs?: ECSClient;
  autoScaling?: ApplicationAutoScalingClient;
}

/** The client an action kind needs, or a clear error naming what the function forgot to pass. */
function need<K extends keyof ExecutorClients>(clients: ExecutorClients, name: K): NonNullable<ExecutorClients[K]> {
  const client = clients[name];
  if (!client) throw new MissingClientError(name);
  return client as NonNullable<ExecutorClients[K]>;
}

/** What a write found. */
export interface ApplyResult {
  /** False when AWS was already in the intended state, so nothing was written. */
  changed: boolean;
  evidence: string;
}

export interface VerifyResult {
  ok: boolean;
  evidence: string;
}

/** How one kind of action is applied and verified. */
export interface ActionKind<A extends Action> {
  apply(action: A, clients: ExecutorClients): Promise<ApplyResult>;
  verify(action: A, clients: ExecutorClients, mode: VerificationMode, applied: ApplyResult): Promise<VerifyResult>;
}

const deregisterTargets: ActionKind<DeregisterTargetsAction> = {
  async apply(action, clients) {
    const elbv2 = need(clients, 'elbv2');
    const send = (targets: Target[]) =>
      elbv2.send(
        new DeregisterTargetsCommand({
          TargetGroupArn: action.targetGroupArn,
          Targets: targets.map((t) => ({ Id: t.id, Port: t.port })),
        }),
      );
    try {
      await send(action.targets);
      return { changed: true, evidence: `DeregisterTargets accepted ${action.targets.length} target(s)` };
    } catch (error) {
      // A target that left between observation and write (ECS deregistering it too) fails the whole call: retry with
      // what is still registered, so the write stays idempotent.
      if (!(error instanceof InvalidTargetException)) throw error;
      const still = (await observeTargetGroupHealth(elbv2, action.targetGroupArn, action.targets)).targets.filter(
        isInService,
      );
      if (still.length === 0) return { changed: false, evidence: 'every target had already left the target group' };
      await send(still);
      return { changed: true, evidence: `DeregisterTargets accepted ${still.length} target(s) still registered` };
    }
  },
  async verify(action, clients, mode, applied) {
    if (mode === 'acknowledged') return { ok: true, evidence: applied.evidence };
    const { targets: states } = await observeTargetGroupHealth(
      need(clients, 'elbv2'),
      action.targetGroupArn,
      action.targets,
    );
    const lingering = states.filter(isInService);
    const list = (xs: typeof states) => xs.map((s) => `${s.id}:${s.port} ${s.state}`).join(', ');
    return lingering.length === 0
      ? { ok: true, evidence: `read back: ${list(states)}` }
      : { ok: false, evidence: `still in service after the write: ${list(lingering)}` };
  },
};

const stopTask: ActionKind<StopTaskAction> = {
  async apply(action, clients) {
    const ecs = need(clients, 'ecs');
    await ecs.send(
      new StopTaskCommand({ cluster: action.clusterName, task: action.taskArn, reason: action.reason.slice(0, 255) }),
    );
    return { changed: true, evidence: 'StopTask accepted' };
  },
  async verify(action, clients) {
    const ecs = need(clients, 'ecs');
    const out = await ecs.send(new DescribeTasksCommand({ cluster: action.clusterName, tasks: [action.taskArn] }));
    const desired = out.tasks?.[0]?.desiredStatus;
    return { ok: desired === 'STOPPED', evidence: `read back: desired status ${desired ?? 'unknown'}` };
  },
};

const setDesiredCount: ActionKind<SetDesiredCountAction> = {
  async apply(action, clients) {
    const ecs = need(clients, 'ecs');
    await ecs.send(
      new UpdateServiceCommand({ cluster: action.clusterName, service: action.serviceName, desiredCount: action.to }),
    );
    return { changed: true, evidence: 'UpdateService accepted' };
  },
  async verify(action, clients) {
    const ecs = need(clients, 'ecs');
    const out = await ecs.send(
      new DescribeServicesCommand({ cluster: action.clusterName, services: [action.serviceName] }),
    );
    const desired = out.services?.[0]?.desiredCount;
    return { ok: desired === action.to, evidence: `read back: desired count ${desired ?? 'unknown'}` };
  },
};

const setScalableTargetBounds: ActionKind<SetScalableTargetBoundsAction> = {
  async apply(action, clients) {
    const autoScaling = need(clients, 'autoScaling');
    await autoScaling.send(
      new RegisterScalableTargetCommand({
        ...ECS_DESIRED_COUNT,
        ResourceId: action.resourceId,
        MinCapacity: action.to.min,
        MaxCapacity: action.to.max,
      }),
    );
    return { changed: true, evidence: 'RegisterScalableTarget accepted' };
  },
  async verify(action, clients) {
    const autoScaling = need(clients, 'autoScaling');
    const out = await autoScaling.send(
      new DescribeScalableTargetsCommand({ ...ECS_DESIRED_COUNT, ResourceIds: [action.resourceId] }),
    );
    const target = out.ScalableTargets?.[0];
    return {
      ok: target?.MinCapacity === action.to.min && target?.MaxCapacity === action.to.max,
      evidence: `read back: min ${target?.MinCapacity}, max ${target?.MaxCapacity}`,
    };
  },
};

const tagService: ActionKind<TagServiceAction> = {
  async apply(action, clients) {
    const ecs = need(clients, 'ecs');
    await ecs.send(
      new TagResourceCommand({
        resourceArn: action.serviceArn,
        tags: Object.entries(action.tags).map(([key, value]) => ({ key, value })),
      }),
    );
    return { changed: true, evidence: 'TagResource accepted' };
  },
  async verify(_action, _clients, _mode, applied) {
    return { ok: true, evidence: applied.evidence };
  },
};

/** Every action kind the executor knows, by `kind`. */
export const actionKinds: { [K in Action['kind']]: ActionKind<Extract<Action, { kind: K }>> } = {
  'deregister-targets': deregisterTargets,
  'stop-task': stopTask,
  'set-desired-count': setDesiredCount,
  'set-scalable-target-bounds': setScalableTargetBounds,
  'tag-service': tagService,
  'set-forward-weights': setForwardWeights,
  'set-task-definition': setTaskDefinition,
};

/** The verification a kind gets: deregistration as configured, every other write read back (tags acknowledged). */
export function verificationModeOf(action: Action, deregistration: VerificationMode): VerificationMode {
  if (action.kind === 'deregister-targets') return deregistration;
  return action.kind === 'tag-service' ? 'acknowledged' : 'read-back';
}

/** Applies and verifies one action through its kind. */
export async function applyAndVerify(action: Action, clients: ExecutorClients, mode: VerificationMode) {
  const kind = actionKinds[action.kind] as ActionKind<Action>;
  const applied = await kind.apply(action, clients);
  const verification = applied.changed ? await kind.verify(action, clients, mode, applied) : undefined;
  return { applied, verification };
}
