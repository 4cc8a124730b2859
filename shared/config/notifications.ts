import * as z from 'zod';
import { integerInRange, strictObject } from '../validation/strict.js';

/** Alertmanager's route timers, by the names on-call engineers know them by. */
export const GroupingSchema = strictObject({
  enabled: z.boolean().default(true).describe('Group alerts per service and kind; off sends every alert at once.'),
  groupWaitSeconds: integerInRange(0, 900, 'seconds')
    .default(30)
    .describe("group_wait: how long a new group's first alert waits for others to go out with it."),
  groupIntervalSeconds: integerInRange(60, 3600, 'seconds')
    .default(300)
    .describe('group_interval: the shortest time between two messages of one group about new alerts.'),
  repeatIntervalSeconds: integerInRange(300, 86_400, 'seconds')
    .default(14_400)
    .describe(
      'repeat_interval: how long a group that only repeats alerts already sent stays quiet; also how long a quiet group keeps its thread.',
    ),
});

export type GroupingOptions = z.output<typeof GroupingSchema>;

export const groupingDefaults: GroupingOptions = {
  enabled: true,
  groupWaitSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalSeconds: 14_400,
};

/**
 * The IAM Identity Center access portal people sign in through: alerts' console links then open the console in the
 * alert's own account, by the portal's shortcut links, as the role (permission set) named here.
 */
export const ConsoleSignInSchema = strictObject({
  startUrl: z
    .url({
      protocol: /^https$/,
      error: 'the https start URL of the access portal, e.g. https://d-1234567890.awsapps.com/start',
    })
    .describe('The AWS access portal start URL (IAM Identity Center), e.g. https://d-1234567890.awsapps.com/start.'),
  roleName: z
    .string()
    .regex(/^[\w+=,.@-]{1,32}$/, 'a permission set name (1-32 letters, digits and +=,.@_-)')
    .describe('The permission set to open the console as, in every account, e.g. ReadOnlyAccess.'),
});

export type ConsoleSignIn = z.output<typeof ConsoleSignInSchema>;

/** How alerts reach people. */
export const NotificationsSchema = strictObject({
  grouping: GroupingSchema.default(groupingDefaults),
  consoleSignIn: ConsoleSignInSchema.optional().describe(
    "Open alerts' console links in the alert's own account through the IAM Identity Center access portal; without it they open in whatever account the reader is signed in to.",
  ),
}).default({ grouping: groupingDefaults });

/** When failed stops of one service count as a crash loop: ECS's deployment circuit-breaker formula by default. */
export const CrashLoopSchema = strictObject({
  enabled: z.boolean().default(true).describe('Raise one critical alert when a service keeps failing its tasks.'),
  windowSeconds: integerInRange(120, 3600, 'seconds')
    .default(600)
    .describe('Failed stops are counted within this window.'),
  desiredCountShare: z
    .number()
    .min(0)
    .max(10)
    .default(0.5)
    .describe('The threshold is this share of the desired count (ECS: 0.5), held between minStops and maxStops.'),
  minStops: integerInRange(1, 10_000, '').default(3).describe('The threshold is never below this (ECS: 3).'),
  maxStops: integerInRange(1, 10_000, '').default(200).describe('The threshold is never above this (ECS: 200).'),
});

export type CrashLoopOptions = z.output<typeof CrashLoopSchema>;

export const crashLoopDefaults: CrashLoopOptions = {
  enabled: true,
  windowSeconds: 600,
  desiredCountShare: 0.5,
  minStops: 3,
  maxStops: 200,
};
