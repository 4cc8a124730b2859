import { describe, expect, it } from 'vitest';
import type { ChatbotNotification } from '#shared/notify/chatbot.js';
import { threadRefOf } from '#shared/slack/deliver-chat.js';
import { threadKey } from '#shared/slack/threads.js';

/** A topic message of an incident whose context is given. */
const topicMessage = (context: Record<string, string>, threadId: string | null = 'stop/1@1/eu-west-1') =>
  JSON.stringify({
    version: '1.0',
    source: 'custom',
    content: { description: 'x' },
    metadata: { ...(threadId ? { threadId } : {}), additionalContext: context },
  } satisfies ChatbotNotification);

describe('Function: threadRefOf', () => {
  it('reads a severity it does not know, or none, as info', () => {
    // Act
    const severities = ([{ severity: 'fatal' }, {}, { severity: 'critical' }] as Record<string, string>[]).map(
      (extra) => threadRefOf(topicMessage({ cluster: 'prod', service: 'web', ...extra }))?.severity,
    );

    // Assess
    expect(severities).toEqual(['info', 'info', 'critical']);
  });

  it('leaves the place out unless both the account and the region are known', () => {
    // Act
    const refs = ([{ account: '111122223333' }, { region: 'eu-west-1' }] as Record<string, string>[]).map((place) =>
      threadRefOf(topicMessage({ cluster: 'prod', service: 'web', ...place })),
    );

    // Assess
    expect(refs).toEqual([
      { threadId: 'stop/1@1/eu-west-1', cluster: 'prod', service: 'web', severity: 'info' },
      { threadId: 'stop/1@1/eu-west-1', cluster: 'prod', service: 'web', severity: 'info' },
    ]);
    expect(threadKey(refs[0] as never)).toEqual({ pk: 'alert-group/prod/web', sk: 'slack-thread/stop/1@1/eu-west-1' });
  });

  it('finds no thread for a message without a thread, a cluster or a service, or that is not an alert', () => {
    // Act
    const refs = [
      topicMessage({ cluster: 'prod', service: 'web' }, null),
      topicMessage({ service: 'web' }),
      topicMessage({ cluster: 'prod' }),
      JSON.stringify({ version: '1.0', source: 'custom', content: { description: '' } }),
      'not json',
    ].map((message) => threadRefOf(message));

    // Assess
    expect(refs).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
