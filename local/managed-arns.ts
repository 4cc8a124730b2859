import { loadConfigFile } from '#shared/config/load.js';
import { shippedConfigFile } from './function-manifest.js';

/** An ARN of this stack's account and region, as CloudFormation writes it. */
type SubArn = { 'Fn::Sub': string };

const arn = (resource: string): SubArn => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});

/**
 * The ECS resources of the clusters the config manages, for the roles' resources and `ecs:cluster` conditions:
 * nothing outside them can be scaled, stopped or tagged, whatever a bug or a forged event asks. Read when packaging
 * from the config the functions ship with (deploy/managed-arns.cjs), so the grants follow the config.
 */
export function managedArns(configFile = shippedConfigFile) {
  // Clusters of other accounts and regions are acted on through their member stacks' roles, which hold their grants.
  const clusters = loadConfigFile(configFile)
    .clusters.filter((c) => c.account === undefined)
    .map((c) => c.name);
  return {
    clusters: clusters.map((name) => arn(`cluster/${name}`)),
    services: clusters.map((name) => arn(`service/${name}/*`)),
    tasks: clusters.map((name) => arn(`task/${name}/*`)),
  };
}
