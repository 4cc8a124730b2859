import grantParts from '../deploy/roles/canary-grant-parts.json' with { type: 'json' };
import { type Statement, sub } from './template-sub.js';

/** Reads the canary promoter makes that AWS lets no resource scope: the central role and member roles share them. */
export const canaryReadsThatTakeNoResource: string[] = grantParts.readsThatTakeNoResource;

/**
 * RegisterScalableTarget in these regions, held by its condition keys to ECS desired counts: scalable target ARNs
 * carry an opaque id, so the keys are what scope it.
 */
export function ecsScalableTargetBounds(sid: string, regions: string[]): Statement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: 'application-autoscaling:RegisterScalableTarget',
    Resource: regions.map((r) =>
      sub(`arn:\${AWS::Partition}:application-autoscaling:${r}:\${AWS::AccountId}:scalable-target/*`),
    ),
    Condition: grantParts.ecsDesiredCountTargetsOnly,
  };
}
