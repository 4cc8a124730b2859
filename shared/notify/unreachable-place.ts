import type { Alert } from './alert.js';
import { buildAlert } from './build-alert.js';
import { inert } from './markdown.js';

/** Where the deployment could not act, and the AWS error that said so. */
export interface UnreachablePlace {
  account: string;
  region: string;
  /** The member role assumed there, if any. */
  roleArn?: string;
  errorName: string;
  message: string;
}

/**
 * The alert for an account and region a scheduled run could not act in (its role missing or not trusting us,
 * access denied, throttled): the other places went on. One incident per place and error, so it threads. Pure.
 */
export function unreachablePlaceAlert(input: {
  what: string;
  place: UnreachablePlace;
  occurredAt: string;
  dryRun: boolean;
}): Alert {
  const { place, what } = input;
  const where = `account ${place.account} in ${place.region}`;
  const day = input.occurredAt.slice(0, 10);
  return buildAlert({
    event: { account: place.account, region: place.region },
    incidentId: `ecs-autopilot-unreachable/${place.account}/${place.region}/${place.errorName}`,
    dedupKey: `ecs-autopilot-unreachable/${place.account}/${place.region}/${place.errorName}/${what}/${day}`,
    severity: 'warning',
    kind: 'access/unreachable',
    // Stryker disable next-line ObjectLiteral: equivalent, an alert without a service or scope is scoped to none
    scope: { cluster: 'none', service: 'none' },
    headline: `${what} could not act in ${where}`,
    description: [
      `The ${what} skipped ${where}; every other account and region went on.`,
      `AWS said: ${inert(`${place.errorName}: ${place.message}`)}`,
      ...(place.roleArn ? [`Role it assumes there: ${place.roleArn}`] : []),
    ],
    nextSteps: [
      `Deploy the member stack in ${where} (serverless-member.yml), or check that its role trusts this deployment's functions and the external id matches the config.`,
      'Or remove the account or region from `accounts` in ecs-autopilot.yml if it is no longer managed.',
    ],
    keywords: ['ecs-autopilot', 'access', place.account, place.region],
    links: [],
    relatedResources: place.roleArn ? [place.roleArn] : [],
    dryRun: input.dryRun,
    occurredAt: input.occurredAt,
  });
}
