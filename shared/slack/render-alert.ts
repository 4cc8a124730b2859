import type { ChatbotNotification } from '../notify/chatbot.js';
import {
  contextBlocks,
  type Fact,
  factBlocks,
  headerBlock,
  linkBlocks,
  listBlocks,
  type SlackMessage,
  slackMessage,
  textBlocks,
} from './message.js';
import { escapeMrkdwn, markdownLinks, toMrkdwn } from './mrkdwn.js';

/** The heading of the part of a description that says what the automation did (see the reports). */
const didHeading = /^\*What ecs-autopilot did[^*]*:\*/m;

/** Labels of the alert's facts (the notification's additionalContext), in the order a person reads them. */
const factLabels: Record<string, string> = {
  severity: 'Severity',
  cluster: 'Cluster',
  service: 'Service',
  region: 'Region',
  account: 'Account',
  occurredAt: 'Occurred',
};

/** Facts the header or the context line already carry. */
const factsShownElsewhere = new Set(['dryRun']);

/** Splits a description into what happened, what was done, and the trailing paragraph of console links. */
export function descriptionParts(description: string) {
  const paragraphs = description.split('\n\n');
  const lastParagraph = paragraphs.at(-1) ?? '';
  const links = markdownLinks(lastParagraph);
  const onlyLinks = links.length > 0 && lastParagraph.replace(/\[[^\]]+\]\([^)]+\)/g, '').replace(/[\s·]/g, '') === '';
  const body = onlyLinks ? paragraphs.slice(0, -1).join('\n\n') : description;
  const at = body.search(didHeading);
  return {
    happened: (at < 0 ? body : body.slice(0, at)).trim(),
    did: at < 0 ? '' : body.slice(at).trim(),
    links: onlyLinks ? links : [],
  };
}

/** The facts of an alert, from its notification's additionalContext: known ones first, then the rest as they come. */
export function alertFacts(notification: ChatbotNotification): Fact[] {
  const context = notification.metadata?.additionalContext ?? {};
  const known = Object.keys(factLabels).flatMap((key) => {
    const value = context[key];
    return value && value !== 'none' ? [{ label: factLabels[key] as string, value }] : [];
  });
  const rest = Object.entries(context)
    .filter(([key]) => !(key in factLabels) && !factsShownElsewhere.has(key))
    .map(([key, value]) => ({
      label: key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()),
      value,
    }));
  const kind = notification.metadata?.eventType;
  return [...known, ...(kind ? [{ label: 'Kind', value: kind }] : []), ...rest];
}

/**
 * An alert (as its Amazon Q Developer notification) in Block Kit: the title, severity and kind, the facts as fields,
 * what happened, what ecs-autopilot did, the next steps, console deep links, and the incident it belongs to. Pure.
 */
export function renderAlertNotification(notification: ChatbotNotification): SlackMessage {
  const { content, metadata } = notification;
  const title = content.title ?? metadata?.summary ?? 'ecs-autopilot alert';
  const parts = descriptionParts(content.description);
  const dryRun = metadata?.additionalContext?.dryRun === 'true';
  // The incident id itself: the thread id adds the account and region, which the facts show already.
  const incident = notification.id ?? metadata?.threadId;
  const blocks = [
    headerBlock(title),
    ...factBlocks(alertFacts(notification)),
    ...textBlocks(toMrkdwn(parts.happened)),
    ...(parts.did ? [{ type: 'divider' as const }, ...textBlocks(toMrkdwn(parts.did))] : []),
    ...listBlocks('Next steps', content.nextSteps ?? []),
    ...linkBlocks(parts.links),
    ...contextBlocks([
      ...(dryRun ? [':test_tube: dry run: nothing was changed'] : []),
      ...(incident ? [`incident \`${escapeMrkdwn(incident)}\``] : []),
      ...(content.keywords?.length ? [content.keywords.map(escapeMrkdwn).join(' · ')] : []),
    ]),
  ];
  return slackMessage(title, blocks);
}
