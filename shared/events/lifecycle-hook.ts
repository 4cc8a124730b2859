import * as z from '../validation/runtime-schema.js';

const arn = () => z.string().check(z.startsWith('arn:'));

/** The stages ECS invokes a Lambda lifecycle hook at (API reference, DeploymentLifecycleHook.lifecycleStages). */
export const LifecycleStageSchema = z.enum([
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
]);
export type LifecycleStage = z.infer<typeof LifecycleStageSchema>;

/** Service revision ARN → percent of the traffic; empty at the stages that shift nothing. */
const TrafficWeightsSchema = z.record(arn(), z.number().check(z.gte(0), z.lte(100)));

/**
 * What ECS sends the hook (Developer Guide, "Lambda hooks for Amazon ECS service deployments", "Lifecycle payloads"):
 * the stage, the service deployment, the revisions' weights, and `hookDetails` as configured on the hook merged with
 * what the last IN_PROGRESS answer of this hook returned.
 */
export const LifecycleHookEventSchema = z.looseObject({
  executionId: z.string().check(z.minLength(1)),
  lifecycleStage: LifecycleStageSchema,
  resourceArn: arn(),
  executionDetails: z.looseObject({
    serviceArn: arn(),
    targetServiceRevisionArn: arn(),
    testTrafficWeights: z._default(TrafficWeightsSchema, {}),
    productionTrafficWeights: z._default(TrafficWeightsSchema, {}),
  }),
  hookDetails: z.optional(z.record(z.string(), z.unknown())),
});
export type LifecycleHookEvent = z.infer<typeof LifecycleHookEventSchema>;

/**
 * The hook's answer. FAILED, an error or no valid `hookStatus` rolls the deployment back; IN_PROGRESS asks ECS to
 * call again after `callBackDelay` seconds (30 by default) with `hookDetails` passed back.
 */
export interface LifecycleHookAnswer {
  hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  callBackDelay?: number;
  hookDetails?: Record<string, unknown>;
}
