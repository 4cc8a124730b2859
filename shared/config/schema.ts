import { z } from 'zod';

/** How stops of a managed service's tasks are handled. */
export const TaskFailurePolicySchema = z
  .object({
    deregisterTargets: z
      .boolean()
      .default(true)
      .describe("Deregister a stopping task's targets from every target group of its service."),
    alertRoutineStops: z
      .boolean()
      .default(false)
      .describe(
        'Also alert on routine stops (scale-in, deployment replacement, user stops); otherwise they are logged.',
      ),
  })
  .strict();

/** One ECS service under management. */
export const ServiceSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^(\*|[A-Za-z0-9][A-Za-z0-9_-]{0,254})$/, 'an ECS service name, or "*" for every service of the cluster')
      .describe('Service name, or "*" for every service of the cluster not listed by name.'),
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Kill switch: false means no action at all (the ecs-autopilot:disabled tag on the service does the same).',
      ),
    taskFailures: TaskFailurePolicySchema.partial().optional().describe('Overrides of the global taskFailures policy.'),
  })
  .strict();

export const ClusterSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, 'an ECS cluster name (not an ARN)')
      .describe('ECS cluster name.'),
    services: z.array(ServiceSchema).min(1).describe('Services of this cluster under management.'),
  })
  .strict();

export const AutopilotConfigSchema = z
  .object({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
    version: z.literal(1).describe('Config format version.'),
    dryRun: z
      .boolean()
      .default(false)
      .describe('Plan and report every action, mutate nothing. Alerts are still sent, marked as dry run.'),
    notifications: z
      .object({
        topicArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN')
          .optional()
          .describe("Topic for alerts; defaults to the stack's own encrypted topic."),
      })
      .strict()
      .default({}),
    events: z
      .object({
        maxAgeSeconds: z
          .number()
          .int()
          .min(30)
          .max(300)
          .default(300)
          .describe(
            'Events older than this are not acted on (the reconciler converges instead). At most 300 s, the alert de-duplication window.',
          ),
      })
      .strict()
      .default({ maxAgeSeconds: 300 }),
    verification: z
      .object({
        deregistration: z
          .enum(['acknowledged', 'read-back'])
          .default('acknowledged')
          .describe(
            'acknowledged: a successful DeregisterTargets is the proof (ELB applies it before answering). read-back: DescribeTargetHealth confirms every target is draining or gone (one more ELB call per target group).',
          ),
      })
      .strict()
      .default({ deregistration: 'acknowledged' }),
    taskFailures: TaskFailurePolicySchema.default({ deregisterTargets: true, alertRoutineStops: false }),
    clusters: z.array(ClusterSchema).min(1).describe('Clusters and services under management.'),
  })
  .strict()
  .superRefine((config, ctx) => {
    config.clusters.forEach((cluster, ci) => {
      const seen = new Set<string>();
      cluster.services.forEach((service, si) => {
        if (seen.has(service.name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['clusters', ci, 'services', si, 'name'],
            message: `service "${service.name}" is listed twice in cluster "${cluster.name}"`,
          });
        }
        seen.add(service.name);
      });
    });
  });

export type AutopilotConfig = z.output<typeof AutopilotConfigSchema>;
export type AutopilotConfigInput = z.input<typeof AutopilotConfigSchema>;
export type TaskFailurePolicy = z.output<typeof TaskFailurePolicySchema>;

/** The JSON Schema editors use to complete and check the config file. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(AutopilotConfigSchema, { io: 'input', unrepresentable: 'any' });
}
