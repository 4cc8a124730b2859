import * as z from 'zod';
import { LocationFields } from './accounts.js';
import { weekdays } from './canary-action.js';
import { CanaryJudgeSchema } from './canary-judge.js';

export { actionArnOf, weekdays } from './canary-action.js';

const arn = (service: string, resource: string) =>
  z
    .string()
    .regex(
      new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:${resource}/.+$`),
      `an ARN of the form arn:aws:${service}:<region>:<account>:${resource}/…`,
    );

const serviceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, 'an ECS service name (not an ARN)')
  .describe('ECS service name.');

/** One side of a canary: an ECS service and the target group it registers its tasks in. */
export const CanarySideSchema = z
  .object({
    service: serviceName,
    targetGroupArn: arn('elasticloadbalancing', 'targetgroup').describe("The service's target group."),
  })
  .strict();

/** A time zone of Intl's database (the one the windows are read in): building a clock for another throws. */
function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24 h)');

/** When promotions may happen: days and hours in a time zone. Rollback is allowed at any time. */
export const PromotionWindowSchema = z
  .object({
    timeZone: z
      .string()
      .refine(knownTimeZone, { message: 'an IANA time zone such as Europe/Berlin' })
      .default('UTC')
      .describe('IANA time zone the days and hours are in.'),
    days: z
      .array(z.enum(weekdays))
      .min(1)
      .default(['mon', 'tue', 'wed', 'thu', 'fri'])
      .describe('Days on which promotions may happen.'),
    start: clock.default('00:00').describe('First minute of the window (inclusive).'),
    end: clock.default('23:59').describe('End of the window (exclusive); may be before start to cross midnight.'),
  })
  .strict()
  .refine((w) => w.start !== w.end, { message: 'start and end must differ', path: ['end'] });

/** One canary: a forward action that splits traffic between two sides, and how to move weight between them. */
export const CanarySchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes')
      .describe('Name used by the CLI and in alerts.'),
    enabled: z.boolean().default(true).describe('Kill switch: false means the promoter leaves this canary alone.'),
    cluster: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, 'an ECS cluster name (not an ARN)')
      .describe('ECS cluster of both services.'),
    ...LocationFields,
    listenerArn: arn('elasticloadbalancing', 'listener')
      .optional()
      .describe("The listener whose default action is the canary's forward action (or give ruleArn)."),
    ruleArn: arn('elasticloadbalancing', 'listener-rule')
      .optional()
      .describe("The listener rule whose forward action is the canary's (or give listenerArn)."),
    sides: z
      .tuple([CanarySideSchema, CanarySideSchema])
      .describe('The two sides; roles alternate per release: the side with the weight is stable.'),
    steps: z
      .array(z.number().int().min(1).max(100))
      .min(1)
      .default([5, 10, 25, 50, 100])
      .refine((s) => s.every((w, i) => i === 0 || w > (s[i - 1] as number)), { message: 'steps must increase' })
      .refine((s) => s.at(-1) === 100, { message: 'the last step must be 100' })
      .describe('Canary percent of the two sides’ weight at each step, increasing, ending at 100.'),
    bakeMinutes: z
      .number()
      .int()
      .min(0)
      .max(1440)
      .default(10)
      .describe('Time at each step before the next may be taken; the judge looks at these minutes.'),
    windows: z
      .array(PromotionWindowSchema)
      .default([])
      .describe('Promotions happen only inside one of these windows; none means at any time.'),
    gateAlarms: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'CloudWatch alarm names: a start is refused while one does not exist or is in ALARM; one in ALARM rolls back a running canary.',
      ),
    judge: z
      ._default(CanaryJudgeSchema, () => CanaryJudgeSchema.parse({}))
      .describe('The canary judge: sequential (the default; README, "Canary judge") or threshold, with its settings.'),
    maxHoldMinutes: z
      .number()
      .int()
      .min(1)
      .max(10_080)
      .default(120)
      .describe(
        'A step held this long past its bake time on an inconclusive judge (thin traffic) pauses the canary with an alert.',
      ),
    minCanaryTasks: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('The canary service runs at least this many tasks while it takes traffic.'),
    scaleDownDelaySeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(300)
      .describe(
        'After completion or rollback, the idle side is scaled to zero this long after its verified weight 0 (and never before the target group’s deregistration delay).',
      ),
    writeAttempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .describe('Weight writes that do not read back as written are retried this many times, then the canary pauses.'),
  })
  .strict()
  .refine((c) => (c.listenerArn === undefined) !== (c.ruleArn === undefined), {
    message: 'give exactly one of listenerArn and ruleArn',
    path: ['listenerArn'],
  })
  .refine((c) => c.sides[0].service !== c.sides[1].service && c.sides[0].targetGroupArn !== c.sides[1].targetGroupArn, {
    message: 'the two sides need their own service and their own target group',
    path: ['sides'],
  });

export const CanariesSchema = z
  .array(CanarySchema)
  .default([])
  .superRefine((canaries, ctx) => {
    // One forward action, one canary: two would fight over its weights (an ARN names its account and region).
    const actionAt = new Map<string, number>();
    canaries.forEach((c, i) => {
      const action = c.ruleArn ?? c.listenerArn ?? '';
      const first = actionAt.get(action);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i, c.ruleArn ? 'ruleArn' : 'listenerArn'],
          message: `canary "${c.name}" shifts the same forward action as canaries[${first}] ("${canaries[first]?.name}")`,
        });
      else actionAt.set(action, i);
    });
  })
  .describe('Weighted canaries: one listener default action or rule per canary, shifted between two services.');

export type CanaryConfig = z.output<typeof CanarySchema>;
export type CanaryConfigInput = z.input<typeof CanarySchema>;
export type PromotionWindow = z.output<typeof PromotionWindowSchema>;
