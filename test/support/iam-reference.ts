/**
 * The condition keys each action we grant supports, from AWS's Service Authorization Reference ("Actions, resources,
 * and condition keys for …", and its programmatic form https://servicereference.us-east-1.amazonaws.com/v1/<service>/
 * <service>.json), copied on 2026-11-26 for the actions this stack uses. A condition with a key that its action does
 * not support is never evaluated as written: IAM treats the key as absent, so the grant is wider than it reads.
 */
export const conditionKeysByAction: Record<string, readonly string[]> = {
  'ecs:ListServices': ['ecs:cluster'],
  'ecs:ListTasks': ['ecs:cluster', 'ecs:container-instances'],
  'ecs:ListContainerInstances': ['ecs:cluster'],
  'kms:Decrypt': [
    'aws:ResourceTag/*',
    'kms:CallerAccount',
    'kms:EncryptionAlgorithm',
    'kms:EncryptionContextKeys',
    'kms:RequestAlias',
    'kms:ViaService',
  ],
  'ecs:StopTask': ['aws:ResourceTag/*', 'ecs:ResourceTag/*', 'ecs:cluster'],
  'ecs:TagResource': ['aws:RequestTag/*', 'aws:ResourceTag/*', 'aws:TagKeys', 'ecs:CreateAction', 'ecs:ResourceTag/*'],
  'ecs:UpdateService': [
    'aws:ResourceTag/*',
    'ecs:ResourceTag/*',
    'ecs:capacity-provider',
    'ecs:cluster',
    'ecs:enable-ebs-volumes',
    'ecs:enable-execute-command',
    'ecs:enable-service-connect',
    'ecs:namespace',
    'ecs:task-definition',
  ],
  'application-autoscaling:RegisterScalableTarget': [
    'application-autoscaling:scalable-dimension',
    'application-autoscaling:service-namespace',
    'aws:RequestTag/*',
    'aws:ResourceTag/*',
    'aws:TagKeys',
  ],
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
