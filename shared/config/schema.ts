import * as z from 'zod';
import { safeRegexSchema } from '../validation/safe-regex.js';
import { integerInRange, nearest, strictObject, unknownKeysMessage } from '../validation/strict.js';
import { AccountsSchema, LocationFields, locationProblems } from './accounts.js';
import { CanariesSchema } from './canary.js';
import { canaryPlaceProblems } from './canary-places.js';
import { CrashLoopSchema, crashLoopDefaults, NotificationsSchema } from './notifications.js';

const taskFailureFields = {
  deregisterTargets: z
    .boolean()
    .describe("Deregister a stopping task's targets from every target group of its service."),
  alertRoutineStops: z
    .boolean()
    .describe('Also alert on routine stops (scale-in, deployment replacement, user stops); otherwise they are logged.'),
};

/** How stops of a managed service's tasks are handled. */
export const TaskFailurePolicySchema = strictObject({
  deregisterTargets: taskFailureFields.deregisterTargets.default(true),
  alertRoutineStops: taskFailureFields.alertRoutineStops.default(false),
});

/** A service's overrides: a key it does not set keeps the global policy's value, not the policy's default. */
const TaskFailureOverridesSchema = strictObject({
  deregisterTargets: taskFailureFields.deregisterTargets.optional(),
  alertRoutineStops: taskFailureFields.alertRoutineStops.optional(),
});

/**
 * A count, or a percent of a whole (`"50%"`), resolved against the whole at the time of use. `min` is the least
 * count (1 where zero would mean doing nothing); a percent is then above 0, and never above 100.
 */
function countOrPercent(min: 0 | 1) {
  const lowest = min === 0 ? 'from 0' : 'above 0';
  const message = `a whole number of at least ${min}, or a percent ${lowest} up to 100% such as "50%"`;
  return z.union(
    [
      z.number().int(message).min(min, message),
      z
        .string()
        .regex(/^\d{1,3}(\.\d+)?%$/, message)
        .refine((p) => {
          const value = Number.parseFloat(p);
          return value <= 100 && (min === 0 || value > 0);
        }, message),
    ],
    { error: message },
  );
}

export const CountOrPercentSchema = countOrPercent(0);
export type CountOrPercent = z.output<typeof CountOrPercentSchema>;

/** Bounds the automation keeps a service's desired count within. */
export const ScalingBoundsSchema = strictObject({
  minCount: integerInRange(0, 5000, 'tasks').describe('Never scale in below this desired count.'),
  maxCount: integerInRange(1, 5000, 'tasks').describe('Never scale out above this desired count.'),
}).refine((b) => b.minCount <= b.maxCount, { message: 'minCount must not exceed maxCount', path: ['minCount'] });

/** One ECS service under management. */
export const ServiceSchema = strictObject({
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
  taskFailures: TaskFailureOverridesSchema.optional().describe('Overrides of the global taskFailures policy.'),
  scaling: ScalingBoundsSchema.optional().describe(
    'Desired-count bounds for scale-out/scale-in alarm reactions; without them the service is never scaled.',
  ),
});

const AlarmMatchFields = {
  alarmName: safeRegexSchema
    .optional()
    .describe(
      'Regular expression the alarm name must match (use ^ and $ to anchor): RE2 and JavaScript syntax, no catastrophic backtracking.',
    ),
  alarmTags: z
    .record(z.string(), z.string())
    .optional()
    .describe("Tags the alarm must carry (from the event's alarmTags); an event without tags does not match."),
  actionsSuppressed: z
    .enum(['respect', 'ignore'])
    .default('respect')
    .describe(
      "respect: when CloudWatch suppressed a composite alarm's actions, do nothing and say so. ignore: act anyway.",
    ),
};

/** Which alarms a rule applies to, and the reaction it asks for. The first matching rule wins. */
const REACTIONS = ['deregister-unhealthy', 'scale-out', 'scale-in', 'notify-only'] as const;
const RULE_KEYS = [
  ...Object.keys(AlarmMatchFields),
  'reaction',
  'minHealthy',
  'maxTargetsPerRun',
  'stopTasks',
  'step',
  'cooldownSeconds',
];

/** Why an alarm rule names no reaction we know: a mistyped key or value, with the nearest valid one. */
function reactionProblem(input: unknown): string {
  const rule = (input ?? {}) as Record<string, unknown>;
  const reactions = REACTIONS.join(', ');
  if (rule.reaction === undefined) {
    const unknown = Object.keys(rule).filter((k) => !RULE_KEYS.includes(k));
    const typos = unknown.length ? `; ${unknownKeysMessage(unknown, RULE_KEYS)}` : '';
    return `a reaction is required (one of ${reactions})${typos}`;
  }
  const guess = typeof rule.reaction === 'string' ? nearest(rule.reaction, REACTIONS) : undefined;
  return `unknown reaction ${JSON.stringify(rule.reaction)}${guess ? ` (did you mean "${guess}"?)` : ''}; one of ${reactions}`;
}

export const AlarmRuleSchema = z.discriminatedUnion(
  'reaction',
  [
    strictObject({
      ...AlarmMatchFields,
      reaction: z.literal('deregister-unhealthy'),
      minHealthy: CountOrPercentSchema.default('50%').describe(
        'Keep at least this many healthy targets (count, or percent of registered targets); fewer means the fault is systemic, not one bad task.',
      ),
      maxTargetsPerRun: countOrPercent(1)
        .default('34%')
        .describe(
          'Deregister at most this many targets per alarm (count, or percent of registered targets, at least 1).',
        ),
      stopTasks: z
        .boolean()
        .default(false)
        .describe("Also stop the unhealthy targets' tasks so ECS replaces them (after their deregistration)."),
    }),
    strictObject({
      ...AlarmMatchFields,
      reaction: z.enum(['scale-out', 'scale-in']),
      step: countOrPercent(1).default(1).describe('Change of desired count: a count, or a percent of it (at least 1).'),
      cooldownSeconds: integerInRange(0, 86_400, 'seconds')
        .default(300)
        .describe('No second change in the same direction within this time (held on the service as a tag).'),
    }),
    strictObject({ ...AlarmMatchFields, reaction: z.literal('notify-only') }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? reactionProblem(issue.input) : undefined) },
);

export type AlarmRule = z.output<typeof AlarmRuleSchema>;

export const ClusterSchema = strictObject({
  name: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, 'an ECS cluster name (not an ARN)')
    .describe('ECS cluster name.'),
  ...LocationFields,
  services: z.array(ServiceSchema).min(1).describe('Services of this cluster under management.'),
});

export const AutopilotConfigSchema = strictObject({
  $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
  version: z.literal(1).describe('Config format version.'),
  dryRun: z
    .boolean()
    .default(false)
    .describe('Plan and report every action, mutate nothing. Alerts are still sent, marked as dry run.'),
  events: strictObject({
    maxAgeSeconds: integerInRange(30, 300, 'seconds')
      .default(300)
      .describe(
        'Events older than this are not acted on (the reconciler converges instead). At most 300 s, the alert de-duplication window.',
      ),
  }).default({ maxAgeSeconds: 300 }),
  verification: strictObject({
    deregistration: z
      .enum(['acknowledged', 'read-back'])
      .default('acknowledged')
      .describe(
        'acknowledged: a successful DeregisterTargets is the proof (ELB applies it before answering). read-back: DescribeTargetHealth confirms every target is draining or gone (one more ELB call per target group).',
      ),
  }).default({ deregistration: 'acknowledged' }),
  taskFailures: TaskFailurePolicySchema.default({ deregisterTargets: true, alertRoutineStops: false }),
  alarms: z
    .array(AlarmRuleSchema)
    .default([])
    .describe('Alarm rules in order; the first whose alarmName and alarmTags match decides the reaction.'),
  reconciler: strictObject({
    orphanGraceSeconds: integerInRange(60, 3600, 'seconds')
      .default(600)
      .describe(
        'A registered target whose task stopped at least this long ago is an orphan to deregister. At most an hour: ECS forgets stopped tasks after about that long.',
      ),
  }).default({ orphanGraceSeconds: 600 }),
  notifications: NotificationsSchema,
  crashLoop: CrashLoopSchema.default(crashLoopDefaults),
  accounts: AccountsSchema,
  clusters: z.array(ClusterSchema).min(1).describe('Clusters and services under management.'),
  canaries: CanariesSchema,
}).superRefine((config, ctx) => {
  const located = [
    ...config.clusters.map((c, i) => ({ ...c, path: ['clusters', i], what: `cluster "${c.name}"` })),
    ...config.canaries.map((c, i) => ({ ...c, path: ['canaries', i], what: `canary "${c.name}"` })),
  ];
  const problems = locationProblems(config.accounts, located);
  for (const problem of problems) ctx.addIssue({ code: 'custom', ...problem });
  if (problems.length === 0)
    for (const issue of canaryPlaceProblems(config)) ctx.addIssue({ code: 'custom', ...issue });
  const clusterAt = new Map<string, number>();
  config.clusters.forEach((cluster, ci) => {
    // One name may be used in several accounts and regions: a cluster is its name where it lives.
    const key = `${cluster.account ?? ''}/${cluster.region ?? ''}/${cluster.name}`;
    const first = clusterAt.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['clusters', ci, 'name'],
        message: `cluster "${cluster.name}" is listed twice (first at clusters[${first}]): merge its services into one entry`,
      });
    } else clusterAt.set(key, ci);
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
