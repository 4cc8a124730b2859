import type { ContextBlock, HeaderBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { ChatbotNotification } from '#shared/notify/chatbot.js';
import { alertFacts, descriptionParts, renderAlertNotification } from '#shared/slack/render-alert.js';

/** A custom notification as the alert topic carries it; override any part. */
function notification(
  content: Partial<ChatbotNotification['content']> = {},
  rest: Omit<Partial<ChatbotNotification>, 'content'> = {},
): ChatbotNotification {
  return { version: '1.0', source: 'custom', content: { description: '*What happened:* x', ...content }, ...rest };
}

const contextTexts = (blocks: unknown[]) =>
  (blocks as ContextBlock[])
    .filter((b) => b.type === 'context')
    .flatMap((b) => b.elements.map((e) => ('text' in e ? e.text : '')));

describe('Function: descriptionParts', () => {
  it('splits what happened, what ecs-autopilot did and the trailing paragraph of console links', () => {
    // Prepare
    const description = [
      '  *What happened:* the task stopped.',
      '*What ecs-autopilot did (dry run):*\n• deregister 10.0.1.17:8080',
      '',
      '[Task](https://console.aws.amazon.com/t) · [Service](http://console.aws.amazon.com/s)  ',
    ].join('\n');

    // Act
    const parts = descriptionParts(description);

    // Assess
    expect(parts).toEqual({
      happened: '*What happened:* the task stopped.',
      did: '*What ecs-autopilot did (dry run):*\n• deregister 10.0.1.17:8080',
      links: [
        { label: 'Task', url: 'https://console.aws.amazon.com/t' },
        { label: 'Service', url: 'http://console.aws.amazon.com/s' },
      ],
    });
  });

  it('keeps the paragraphs before the links apart, and trims what was done', () => {
    // Prepare
    const description =
      'First.\n\nSecond.\n*What ecs-autopilot did:* scaled out  \n\n[Service](https://console.aws.amazon.com/s)';

    // Act
    const parts = descriptionParts(description);

    // Assess
    expect(parts.happened).toBe('First.\n\nSecond.');
    expect(parts.did).toBe('*What ecs-autopilot did:* scaled out');
  });

  it('reads a description that starts with what was done as nothing else happening', () => {
    // Act
    const parts = descriptionParts('*What ecs-autopilot did:* restarted the task');

    // Assess
    expect(parts).toEqual({ happened: '', did: '*What ecs-autopilot did:* restarted the task', links: [] });
  });

  it('keeps a last paragraph that says more than its links as text, and takes no links from it', () => {
    // Prepare
    const description = '*What happened:* x\n\nSee [Task](https://console.aws.amazon.com/t) first.';

    // Act
    const parts = descriptionParts(description);

    // Assess
    expect(parts).toEqual({ happened: description, did: '', links: [] });
  });

  it('keeps a last paragraph without links as text', () => {
    // Act
    const parts = descriptionParts('*What happened:* x\n\n·');

    // Assess
    expect(parts).toEqual({ happened: '*What happened:* x\n\n·', did: '', links: [] });
  });

  it('reads what was done only from a line that starts with its heading', () => {
    // Prepare
    const description = 'The reply quoted *What ecs-autopilot did:* in its text.';

    // Act
    const parts = descriptionParts(description);

    // Assess
    expect(parts).toEqual({ happened: description, did: '', links: [] });
  });

  it('reads a description of links only as links, with nothing that happened', () => {
    // Act
    const parts = descriptionParts('[Task](https://console.aws.amazon.com/t)');

    // Assess
    expect(parts).toEqual({
      happened: '',
      did: '',
      links: [{ label: 'Task', url: 'https://console.aws.amazon.com/t' }],
    });
  });
});

describe('Function: alertFacts', () => {
  it('shows the known facts in reading order, then the kind, then the others labelled in words', () => {
    // Prepare
    const input = notification(
      {},
      {
        metadata: {
          eventType: 'task-stopped/out-of-memory',
          additionalContext: {
            taskDefinition: 'web:42',
            occurredAt: '2026-11-24T12:00:00.000Z',
            dryRun: 'false',
            account: '111122223333',
            region: 'eu-west-1',
            service: 'web',
            cluster: 'prod',
            severity: 'critical',
            x: '1',
          },
        },
      },
    );

    // Act
    const facts = alertFacts(input);

    // Assess
    expect(facts).toEqual([
      { label: 'Severity', value: 'critical' },
      { label: 'Cluster', value: 'prod' },
      { label: 'Service', value: 'web' },
      { label: 'Region', value: 'eu-west-1' },
      { label: 'Account', value: '111122223333' },
      { label: 'Occurred', value: '2026-11-24T12:00:00.000Z' },
      { label: 'Kind', value: 'task-stopped/out-of-memory' },
      { label: 'Task Definition', value: 'web:42' },
      { label: 'X', value: '1' },
    ]);
  });

  it('leaves out a known fact that is empty or none, and the kind when there is none', () => {
    // Prepare
    const input = notification(
      {},
      { metadata: { additionalContext: { cluster: 'none', service: '', region: 'us-east-1' } } },
    );

    // Act
    const facts = alertFacts(input);

    // Assess
    expect(facts).toEqual([{ label: 'Region', value: 'us-east-1' }]);
  });

  it('has no facts for a notification without metadata', () => {
    // Act
    const facts = alertFacts(notification());

    // Assess
    expect(facts).toEqual([]);
  });
});

describe('Function: renderAlertNotification', () => {
  it('titles the message by its title, else its summary, else as an ecs-autopilot alert', () => {
    // Act
    const titles = [
      notification({ title: 'The title' }, { metadata: { summary: 'The summary' } }),
      notification({}, { metadata: { summary: 'The summary' } }),
      notification(),
    ].map((n) => renderAlertNotification(n));

    // Assess
    expect(titles.map((m) => m.text)).toEqual(['The title', 'The summary', 'ecs-autopilot alert']);
    expect(titles.map((m) => (m.blocks[0] as HeaderBlock).text.text)).toEqual([
      'The title',
      'The summary',
      'ecs-autopilot alert',
    ]);
  });

  it('names the incident by its id, else by its thread, and escapes it and the keywords', () => {
    // Prepare
    const byId = notification({ keywords: ['out<of>memory', 'a&b'] }, { id: 'stop/<x>', metadata: { threadId: 't' } });
    const byThread = notification({ keywords: [] }, { metadata: { threadId: 'stop/web@1/eu-west-1' } });

    // Act
    const [first, second, none] = [byId, byThread, notification()].map((n) =>
      contextTexts(renderAlertNotification(n).blocks),
    );

    // Assess
    expect(first).toEqual(['incident `stop/&lt;x&gt;`', 'out&lt;of&gt;memory · a&amp;b']);
    expect(second).toEqual(['incident `stop/web@1/eu-west-1`']);
    expect(none).toEqual([]);
  });

  it('says dry run only for a dry-run alert', () => {
    // Prepare
    const dry = notification({}, { metadata: { additionalContext: { dryRun: 'true' } } });
    const real = notification({}, { metadata: { additionalContext: { dryRun: 'false' } } });

    // Act
    const [dryContext, realContext] = [dry, real].map((n) => contextTexts(renderAlertNotification(n).blocks));

    // Assess
    expect(dryContext).toEqual([':test_tube: dry run: nothing was changed']);
    expect(realContext).toEqual([]);
  });

  it('shows what happened alone, without a divider, when the automation did nothing', () => {
    // Act
    const { blocks } = renderAlertNotification(
      notification({ description: '**Why:** see [docs](https://docs.aws.amazon.com/x)' }),
    );

    // Assess
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section']);
    expect(blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*Why:* see <https://docs.aws.amazon.com/x|docs>' },
    });
  });

  it('sets what was done apart with a divider and shows the next steps and links after it', () => {
    // Prepare
    const input = notification({
      description: '*What happened:* a\n*What ecs-autopilot did:* b\n\n[Task](https://console.aws.amazon.com/t)',
      nextSteps: ['Read **the** log'],
    });

    // Act
    const { blocks } = renderAlertNotification(input);

    // Assess
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'divider', 'section', 'section', 'section']);
    expect((blocks.slice(1) as SectionBlock[]).map((b) => b.text?.text)).toEqual([
      '*What happened:* a',
      undefined,
      '*What ecs-autopilot did:* b',
      '*Next steps*\n• Read *the* log',
      ':link: <https://console.aws.amazon.com/t|Task>',
    ]);
  });
});
