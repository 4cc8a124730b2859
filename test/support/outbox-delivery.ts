import { vi } from 'vitest';
import type { FaultInjection } from '#local/fault-injection.js';
import { drainOutbox, useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import { receiveAlerts, type World } from '#local/world.js';
import { type ChatbotNotification, ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import * as v from '#shared/validation/input-schema.js';

/** What the alert pipeline delivered after a scenario whose subject was another function. */
export interface DeliveredAlerts {
  /** The chat messages, less the exact repeats that publishes SNS took without its answer reaching the notifier made. */
  messages: ChatbotNotification[];
  /** Outbox records the notifier never delivered in the outbox's five receives. */
  heldBack: string[];
}

/**
 * Delivers the alert outbox as production does after a fault scenario of another function: the notifier runs in a
 * container of its own with its own settings (none of `functionEnv`, such as the short request timeout the function
 * under test was given: Lambda gives each function its own), and its records come back to it while it fails them.
 *
 * A publish that SNS took but whose answer never reached the notifier (a slow answer on a loaded machine) is sent
 * again, the alert topic being a standard one (README "Known limits"); the notifier's own fault scenario counts those.
 * Here, as many exact repeats as there were such answers are taken out, so that a repeat left is the function's.
 */
export async function deliverAlertsApart(
  world: World,
  configYaml: string,
  functionEnv: Record<string, string>,
  faults: Pick<FaultInjection, 'lostAnswers'>,
): Promise<DeliveredAlerts> {
  const kept = Object.keys(functionEnv).map((name) => [name, process.env[name]] as const);
  let notifier: Awaited<typeof import('#functions/notifier/handler.js')>['handler'];
  try {
    for (const [name] of kept) delete process.env[name];
    vi.resetModules();
    useWorldEnvironment(world, writeConfig(configYaml));
    notifier = (await import('#functions/notifier/handler.js')).handler;
  } finally {
    for (const [name, value] of kept) if (value !== undefined) process.env[name] = value;
  }
  const { heldBack } = await drainOutbox(world, notifier as never);
  const published = (await receiveAlerts(world)).map((a) => v.parse(ChatbotNotificationSchema, a.message));
  return { messages: lessRepeats(published, faults.lostAnswers()['sns:Publish'] ?? 0), heldBack };
}

/** `messages` without up to `repeats` messages identical to an earlier one. */
function lessRepeats<T>(messages: readonly T[], repeats: number): T[] {
  const seen = new Set<string>();
  let left = repeats;
  return messages.filter((message) => {
    const text = JSON.stringify(message);
    if (!seen.has(text)) {
      seen.add(text);
      return true;
    }
    if (left === 0) return true;
    left -= 1;
    return false;
  });
}
