import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { faultSeeds, injectFaults } from '#local/fault-injection.js';
import { sqsEventSource } from '#local/lambda-delivery.js';
import { timeOutAfterWrite } from '#local/moto-proxy-rules.js';
import { provisionWorld, receiveAlerts, type World } from '#local/world.js';
import { type Alert, alertDeliveryKey } from '#shared/notify/alert.js';
import { boundAlert } from '#shared/notify/bound.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import * as v from '#shared/validation/input-schema.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { alertOf, awsSamples, ourSamples, sample } from '#test/support/service-events.js';
import { lambdaContext } from '../../cli/replay.js';

const proxy = await useMotoProxy();
/** The notifier's invocations, compressed: 3 s of them are kept for the deadline, 1 s is left for the calls. */
const INVOCATION_MS = 4_000;
const context = { ...lambdaContext('notifier'), getRemainingTimeInMillis: () => INVOCATION_MS };
const CONFIG = 'version: 1\nclusters:\n  - name: prod\n    services:\n      - name: web\n';

/** Every sample service event that deserves an alert, as the alert it queues. */
function sampleAlerts(): Alert[] {
  return [...ourSamples, ...awsSamples].flatMap((name) => {
    try {
      return [boundAlert(alertOf(sample(name)))];
    } catch {
      return [];
    }
  });
}

describe('Function: notifier under faults', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 0 }] });
  });

  it.each(faultSeeds(7_7))(
    'publishes each alert once or dead-letters it, and repeats one only when SNS took a publish whose answer was lost (seed %i)',
    async (seed) => {
      // Prepare: the outbox holds every sample alert; 10 % of the notifier's calls fail, seeded, and the first
      // record of a publication lands and times out; failed records return to the outbox, up to 5 receives.
      const alerts = sampleAlerts();
      const faults = injectFaults(proxy, { seed, appliesTo: () => true });
      timeOutAfterWrite(proxy, 'dynamodb:PutItem', 1, 1_500);
      const env = { AWS_REQUEST_TIMEOUT_MS: '500' };
      const containers = [
        await coldContainer(world, 'service-event', CONFIG, env),
        await coldContainer(world, 'service-event', CONFIG, env),
      ].map(({ notifier }) => ({
        react: (event: SQSEvent) => notifier(event, { ...context, awsRequestId: randomUUID() }),
      }));
      const outbox = await sqsEventSource(world, {
        name: 'outbox',
        fifo: true,
        maxReceiveCount: 5,
        containers,
        faults,
        // Longer than an invocation, as the outbox's 90 s are longer than the notifier's timeout: an alert whose
        // publication record was written but not answered is free again when it is redelivered.
        visibilityTimeoutMs: INVOCATION_MS + 100,
      });
      await outbox.send(alerts, (alert) => ({
        MessageGroupId: `${(alert as Alert).cluster}/${(alert as Alert).service}`,
        MessageDeduplicationId: createHash('sha256')
          .update(alertDeliveryKey(alert as Alert))
          .digest('hex'),
      }));

      // Act
      const delivery = await outbox.drain();
      const chat = (await receiveAlerts(world)).map((a) => v.parse(ChatbotNotificationSchema, a.message));

      // Assess
      const published = new Map<string, number>();
      for (const message of chat) published.set(message.id ?? '', (published.get(message.id ?? '') ?? 0) + 1);
      const deadLettered = new Set(delivery.deadLettered.map((a) => (a as Alert).incidentId));
      for (const alert of alerts) {
        if (!deadLettered.has(alert.incidentId))
          expect(published.get(alert.incidentId), `${alert.incidentId} published: 0 lost alerts`).toBeGreaterThan(0);
      }
      const repeats = [...published.values()].reduce((sum, n) => sum + n - 1, 0);
      // A publish SNS took whose answer never reached the notifier: an injected 500 or timeout, or an answer slower
      // than the 500 ms request timeout on a loaded machine.
      const lostPublishAnswers = faults.lostAnswers()['sns:Publish'] ?? 0;
      expect(repeats, 'a chat message repeats only for a publish SNS took whose answer was lost').toBeLessThanOrEqual(
        lostPublishAnswers,
      );
      expect(delivery.failures, 'the faults returned records to the outbox').toBeGreaterThan(0);
    },
  );
});
