import * as v from '../validation/input-schema.js';

const arn = () => v.pipe(v.string(), v.startsWith('arn:'));

/** The stages ECS invokes a Lambda lifecycle hook at (API reference, DeploymentLifecycleHook.lifecycleStages). */
export const LifecycleStageSchema = v.picklist([
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
]);
export type LifecycleStage = v.InferOutput<typeof LifecycleStageSchema>;

/** Service revision ARN → percent of the traffic; empty at the stages that shift nothing. */
const TrafficWeightsSchema = v.record(arn(), v.pipe(v.number(), v.minValue(0), v.maxValue(100)));

/**
 * What ECS sends the hook (Developer Guide, "Lambda hooks for Amazon ECS service deployments", "Lifecycle payloads"):
 * the stage, the service deployment, the revisions' weights, and `hookDetails` as configured on the hook merged with
 * what the last IN_PROGRESS answer of this hook returned.
 */
export const LifecycleHookEventSchema = v.looseObject({
  executionId: v.pipe(v.string(), v.minLength(1)),
  lifecycleStage: LifecycleStageSchema,
  resourceArn: arn(),
  executionDetails: v.looseObject({
    serviceArn: arn(),
    targetServiceRevisionArn: arn(),
    testTrafficWeights: v.optional(TrafficWeightsSchema, {}),
    productionTrafficWeights: v.optional(TrafficWeightsSchema, {}),
  }),
  hookDetails: v.optional(v.record(v.string(), v.unknown())),
});
export type LifecycleHookEvent = v.InferOutput<typeof LifecycleHookEventSchema>;

/**
 * The hook's answer. FAILED, an error or no valid `hookStatus` rolls the deployment back; IN_PROGRESS asks ECS to
 * call again after `callBackDelay` seconds (30 by default) with `hookDetails` passed back.
 */
export interface LifecycleHookAnswer {
  hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  callBackDelay?: number;
  hookDetails?: Record<string, unknown>;
}
