import { z } from 'zod';
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

/** How alerts reach people. */
export const NotificationsSchema = strictObject({ grouping: GroupingSchema.default(groupingDefaults) }).default({
  grouping: groupingDefaults,
});
