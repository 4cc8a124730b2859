/**
 * The condition keys each action we grant supports, from AWS's Service Authorization Reference ("Actions, resources,
 * and condition keys for …", and its programmatic form https://servicereference.us-east-1.amazonaws.com/v1/<service>/
 * <service>.json), checked line by line on 2026-11-26 for the actions this stack uses: the keys of each action's row,
 * not those of its resource types' rows. A condition with a key that its action does not support is never evaluated as
 * written: IAM treats the key as absent, so an Allow never matches (the grant fails) and a Deny never applies.
 */
export const conditionKeysByAction: Record<string, readonly string[]> = {
  // SAR, Amazon ECS, ListServices row: ecs:cluster only (no resource type, so "*" with the key).
  'ecs:ListServices': ['ecs:cluster'],
  // SAR, Amazon ECS, ListTasks row; ecs:container-instances is StartTask's key only, not ListTasks'.
  'ecs:ListTasks': ['aws:ResourceTag/*', 'ecs:ResourceTag/*', 'ecs:cluster'],
  // SAR, Amazon ECS, ListContainerInstances row: no ecs:cluster; the cluster is its resource (cluster*), so scope by ARN.
  'ecs:ListContainerInstances': ['aws:ResourceTag/*', 'ecs:ResourceTag/*'],
  // SAR, AWS KMS, Decrypt row (the keys this stack may use of it).
  'kms:Decrypt': [
    'aws:ResourceTag/*',
    'kms:CallerAccount',
    'kms:EncryptionAlgorithm',
    'kms:EncryptionContextKeys',
    'kms:RequestAlias',
    'kms:ViaService',
  ],
  // SAR, Amazon ECS, StopTask row.
  'ecs:StopTask': ['aws:ResourceTag/*', 'ecs:ResourceTag/*', 'ecs:cluster'],
  // SAR, Amazon ECS, TagResource row.
  'ecs:TagResource': [
    'aws:RequestTag/*',
    'aws:ResourceTag/*',
    'aws:TagKeys',
    'ecs:CreateAction',
    'ecs:ResourceTag/*',
    'ecs:cluster',
  ],
  // SAR, Amazon ECS, UpdateService row: ecs:task-definition, ecs:enable-execute-command and ecs:subnet among them.
  'ecs:UpdateService': [
    'aws:ResourceTag/*',
    'ecs:ResourceTag/*',
    'ecs:auto-assign-public-ip',
    'ecs:capacity-provider',
    'ecs:cluster',
    'ecs:enable-ebs-volumes',
    'ecs:enable-ecs-managed-tags',
    'ecs:enable-execute-command',
    'ecs:enable-service-connect',
    'ecs:enable-vpc-lattice',
    'ecs:namespace',
    'ecs:propagate-tags',
    'ecs:subnet',
    'ecs:task-cpu',
    'ecs:task-definition',
    'ecs:task-memory',
  ],
  // SAR, Application Auto Scaling, RegisterScalableTarget row.
  'application-autoscaling:RegisterScalableTarget': [
    'application-autoscaling:scalable-dimension',
    'application-autoscaling:service-namespace',
    'aws:RequestTag/*',
    'aws:ResourceTag/*',
    'aws:TagKeys',
  ],
  // SAR, Elastic Load Balancing V2, DeregisterTargets row: the target group's tags, as aws:ResourceTag.
  'elasticloadbalancing:DeregisterTargets': ['aws:ResourceTag/*', 'elasticloadbalancing:ResourceTag/*'],
};

/**
 * Global condition keys present in every request, whatever the action (IAM User Guide, "AWS global condition context
 * keys"). Tag keys (`aws:RequestTag`, `aws:ResourceTag`, `aws:TagKeys`) are not among them: each action lists them.
 */
export const requestKeysOfEveryAction = new Set([
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
  'aws:CurrentTime',
  'aws:EpochTime',
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:PrincipalOrgID',
  'aws:RequestedRegion',
  'aws:SecureTransport',
  'aws:SourceIp',
  'aws:ViaAWSService',
]);
