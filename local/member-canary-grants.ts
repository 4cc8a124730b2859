import type { AccountConfig } from '#shared/config/accounts.js';
import { statedPlace } from '#shared/config/places.js';
import type { AutopilotConfig } from '#shared/config/schema.js';
import { canaryReadsThatTakeNoResource, ecsScalableTargetBounds } from './scalable-target-grant.js';
import { type Statement, type Sub, sub } from './template-sub.js';

/** The canaries the config places in an account, each with the region it lives in. */
function canariesIn(config: AutopilotConfig, account: AccountConfig) {
  return config.canaries.flatMap((canary) => {
    const place = statedPlace(canary, config);
    return place?.account === account.id ? [{ canary, region: place.region }] : [];
  });
}

/** The ECS services of the canaries the config places in an account: the sides the promoter scales and redeploys. */
export function canarySideServices(config: AutopilotConfig, account: AccountConfig): Sub[] {
  return canariesIn(config, account).flatMap(({ canary, region }) =>
    canary.sides.map((side) =>
      sub(`arn:\${AWS::Partition}:ecs:${region}:\${AWS::AccountId}:service/${canary.cluster}/${side.service}`),
    ),
  );
}

/**
 * What the canary promoter calls for the canaries the config places in this account, and nothing when it places
 * none: the central promoter role's own grants (deploy/roles/canary-promoter-statements.cjs), scoped to this
 * account's canaries: weight writes on their listeners and rules alone, UpdateService on their sides alone.
 */
export function canaryStatements(config: AutopilotConfig, account: AccountConfig): Statement[] {
  const here = canariesIn(config, account);
  if (here.length === 0) return [];
  const regions = [...new Set(here.map((c) => c.region))];
  const sides = canarySideServices(config, account);
  const actions = [...new Set(here.map(({ canary }) => canary.ruleArn ?? canary.listenerArn ?? ''))];
  return [
    {
      // ELB Describe* calls, GetMetricData and DescribeScalableTargets support no resource scoping.
      Sid: 'CanaryReadsThatTakeNoResource',
      Effect: 'Allow',
      Action: [...canaryReadsThatTakeNoResource, 'application-autoscaling:DescribeScalableTargets'],
      Resource: '*',
    },
    {
      Sid: 'CanaryReadGateAlarms',
      Effect: 'Allow',
      Action: 'cloudwatch:DescribeAlarms',
      Resource: regions.map((r) => sub(`arn:\${AWS::Partition}:cloudwatch:${r}:\${AWS::AccountId}:alarm:*`)),
    },
    { Sid: 'CanaryReadSides', Effect: 'Allow', Action: 'ecs:DescribeServices', Resource: sides },
    {
      Sid: 'WriteCanaryWeights',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule'],
      Resource: actions,
    },
    { Sid: 'ScaleAndDeployCanarySides', Effect: 'Allow', Action: 'ecs:UpdateService', Resource: sides },
    // AWS also requires ecs:UpdateService on the service itself, which only the sides have (above).
    ecsScalableTargetBounds('SetCanarySideScalableTargetBounds', regions),
  ];
}
