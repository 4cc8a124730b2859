// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
// The canary promoter's IAM statements, derived from the config file that ships with the functions: it may write
// weights only on the listeners and rules its canaries name, and scale or redeploy only their services.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');
// The grant parts the member role's canary statements use too (local/member-canary-grants.ts): one list for both.
const { readsThatTakeNoResource, ecsDesiredCountTargetsOnly } = require('./canary-grant-parts.json');

const configFile = join(__dirname, '..', '..', process.env.AUTOPILOT_CONFIG_FILE_FOR_PACKAGE || 'ecs-autopilot.yml');

// The canaries of the deployment's own account and region: one that names an account is acted on through that
// account's member role, which holds its grants (serverless-member.yml).
function canaries() {
  const config = parse(readFileSync(configFile, 'utf8')) || {};
  return Array.isArray(config.canaries) ? config.canaries.filter((c) => c.account === undefined) : [];
}

const sub = (value) => ({ 'Fn::Sub': value });

module.exports = () => {
  const list = canaries();
  const weightTargets = [...new Set(list.map((c) => c.ruleArn || c.listenerArn).filter(Boolean))];
  const services = [
    ...new Set(
      list.flatMap((c) =>
        (c.sides || []).map(
          (s) => `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/${c.cluster}/${s.service}`,
        ),
      ),
    ),
  ];
  const statements = [
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': ['CanaryPromoterLogGroup', 'Arn'] },
    },
    {
      // ELB Describe* calls and CloudWatch GetMetricData support no resource scoping.
      Sid: 'ReadLoadBalancingAndMetrics',
      Effect: 'Allow',
      Action: readsThatTakeNoResource,
      Resource: '*',
    },
    {
      Sid: 'ReadGateAlarms',
      Effect: 'Allow',
      Action: 'cloudwatch:DescribeAlarms',
      Resource: sub('arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*'),
    },
    {
      Sid: 'ReadEcsServices',
      Effect: 'Allow',
      Action: 'ecs:DescribeServices',
      Resource: sub('arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/*'),
    },
    {
      // DescribeScalableTargets supports no resource scoping nor condition key.
      Sid: 'ReadScalableTargets',
      Effect: 'Allow',
      Action: 'application-autoscaling:DescribeScalableTargets',
      Resource: '*',
    },
    {
      Sid: 'QueueAlerts',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: [{ 'Fn::GetAtt': ['AlertOutboxQueue', 'Arn'] }, { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] }],
    },
  ];
  if (weightTargets.length) {
    statements.push({
      Sid: 'WriteCanaryWeights',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule'],
      Resource: weightTargets,
    });
  }
  if (services.length) {
    statements.push({
      Sid: 'ScaleAndDeployCanarySides',
      Effect: 'Allow',
      Action: 'ecs:UpdateService',
      Resource: services.map(sub),
    });
    // A side scaled in to 0 gets a scalable-target minimum of 0, put back at its next release. Scalable target ARNs
    // carry an opaque id: the keys hold it to ECS desired counts, and AWS also requires ecs:UpdateService on the
    // service itself, which only the sides have (above).
    statements.push({
      Sid: 'SetCanarySideScalableTargetBounds',
      Effect: 'Allow',
      Action: 'application-autoscaling:RegisterScalableTarget',
      Resource: sub('arn:${AWS::Partition}:application-autoscaling:${AWS::Region}:${AWS::AccountId}:scalable-target/*'),
      Condition: ecsDesiredCountTargetsOnly,
    });
  }
  return statements;
};
