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

/** A count, or a percent of a whole (`"50%"`), resolved against the whole at the time of use. */
export const CountOrPercentSchema = z.union([
  z.number().int().min(0),
  z.string().regex(/^(100|[1-9]?\d)(\.\d+)?%$/, 'a whole number, or a percent such as "50%"'),
]);
export type CountOrPercent = z.output<typeof CountOrPercentSchema>;

/** Bounds the automation keeps a service's desired count within. */
export const ScalingBoundsSchema = z
  .object({
    minCount: z.number().int().min(0).describe('Never scale in below this desired count.'),
    maxCount: z.number().int().min(1).describe('Never scale out above this desired count.'),
  })
  .strict()
  .refine((b) => b.minCount <= b.maxCount, { message: 'minCount must not exceed maxCount', path: ['minCount'] });

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
    scaling: ScalingBoundsSchema.optional().describe(
      'Desired-count bounds for scale-out/scale-in alarm reactions; without them the service is never scaled.',
    ),
  })
  .strict();

const regexString = z
  .string()
  .min(1)
  .refine(
    (pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'a valid regular expression' },
  );

const AlarmMatchFields = {
  alarmName: regexString.optional().describe('Regular expression the alarm name must match (use ^ and $ to anchor).'),
  alarmTags: z
    .record(z.string(), z.string())
    .optional()
    .describe("Tags the alarm must carry (from the event's alarmTags); an event without tags does not match."),
};

/** Which alarms a rule applies to, and the reaction it asks for. The first matching rule wins. */
export const AlarmRuleSchema = z.discriminatedUnion('reaction', [
  z
    .object({
      ...AlarmMatchFields,
      reaction: z.literal('deregister-unhealthy'),
      minHealthy: CountOrPercentSchema.default('50%').describe(
        'Keep at least this many healthy targets (count, or percent of registered targets); fewer means the fault is systemic, not one bad task.',
      ),
      maxTargetsPerRun: CountOrPercentSchema.default('34%').describe(
        'Deregister at most this many targets per alarm (count, or percent of registered targets, at least 1).',
      ),
      stopTasks: z
        .boolean()
        .default(false)
        .describe("Also stop the unhealthy targets' tasks so ECS replaces them (after their deregistration)."),
    })
    .strict(),
  z
    .object({
      ...AlarmMatchFields,
      reaction: z.enum(['scale-out', 'scale-in']),
      step: CountOrPercentSchema.default(1).describe(
        'Change of desired count: a count, or a percent of it (at least 1).',
      ),
      cooldownSeconds: z
        .number()
        .int()
        .min(0)
        .max(86_400)
        .default(300)
        .describe('No second change in the same direction within this time (held on the service as a tag).'),
    })
    .strict(),
  z.object({ ...AlarmMatchFields, reaction: z.literal('notify-only') }).strict(),
]);

export type AlarmRule = z.output<typeof AlarmRuleSchema>;

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
    alarms: z
      .array(AlarmRuleSchema)
      .default([])
      .describe('Alarm rules in order; the first whose alarmName and alarmTags match decides the reaction.'),
    reconciler: z
      .object({
        orphanGraceSeconds: z
          .number()
          .int()
          .min(60)
          .default(600)
          .describe('A registered target whose task stopped at least this long ago is an orphan to deregister.'),
      })
      .strict()
      .default({ orphanGraceSeconds: 600 }),
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
