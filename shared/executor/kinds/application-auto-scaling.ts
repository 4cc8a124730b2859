import {
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { ECS_DESIRED_COUNT } from '../../services/scalable-target.js';
import type { SetScalableTargetBoundsAction } from '../actions.js';
import { type ActionKind, need } from '../apply-and-verify.js';

/** Moves a scalable target's min/max capacity; read back with DescribeScalableTargets. */
export const setScalableTargetBounds: ActionKind<SetScalableTargetBoundsAction> = {
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
      ok: target !== undefined && target.MinCapacity === action.to.min && target.MaxCapacity === action.to.max,
      evidence: `read back: min ${target?.MinCapacity}, max ${target?.MaxCapacity}`,
    };
  },
};
