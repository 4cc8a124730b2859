import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { alarmNameFilter } from '#shared/config/alarm-names.js';
import { loadConfigFile } from '#shared/config/load.js';

/** The repository root: this file lives in local/. */
const repoRoot = resolve(import.meta.dirname, '..');

/** The function manifest that serverless.yml includes: every function, its events and settings. */
export const functionsFile = join(repoRoot, 'deploy', 'functions.yml');

/** The event pattern of every EventBridge rule, by rule name without the `<service>-<stage>-` prefix. */
export const eventPatternsFile = join(repoRoot, 'deploy', 'event-patterns.yml');

/** How deploy/functions.yml gives a rule its pattern: `${file(./deploy/event-patterns.yml):<rule>}`. */
const patternReference = /^\$\{file\(\.\/deploy\/event-patterns\.yml\):([\w-]+)\}$/;

/** …or, for the alarm rule, the pattern narrowed to the config's alarm names: `${file(./deploy/alarm-pattern.cjs)}`. */
const alarmPatternReference = /^\$\{file\(\.\/deploy\/alarm-pattern\.cjs\)\}$/;

/** The config file every function ships with and loads; the alarm rule's pattern is narrowed to its rules. */
export const shippedConfigFile = join(repoRoot, 'ecs-autopilot.yml');

/** The rule name's prefix in deploy/functions.yml, before the rule's own name. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, written as in deploy/functions.yml
const ruleNamePrefix = '${self:service}-${sls:stage}-';

type Yaml = Record<string, unknown>;

function isObject(value: unknown): value is Yaml {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An EventBridge rule with a pattern that invokes a function. */
export interface PatternRule {
  /** The rule's name without the `<service>-<stage>-` prefix, which is also its key in deploy/event-patterns.yml. */
  rule: string;
  pattern: Record<string, unknown>;
}

/** One function of the stack, with the names every tool derives from it. */
export interface ManifestFunction {
  /** The function's key in serverless.yml: `taskStateChange`. */
  name: string;
  /** Its directory under functions/: `task-state-change`. */
  directory: string;
  /** The handler's source, relative to the repository root. */
  source: string;
  /** The bundle serverless-esbuild writes into the function's zip: `functions/task-state-change/handler.mjs`. */
  bundle: string;
  /** The prefix CloudFormation logical ids of the function's resources start with: `TaskStateChange`. */
  logicalIdPrefix: string;
  /** The function's own logical id in the template: `TaskStateChangeLambdaFunction`. */
  logicalId: string;
  /** The rules with a pattern that invoke it, in the order of its events. */
  patternRules: PatternRule[];
  /** Everything else deploy/functions.yml says of it, as written. */
  definition: Yaml;
}

/** The event patterns of deploy/event-patterns.yml by rule. */
export function eventPatterns(): Record<string, Record<string, unknown>> {
  const patterns = parse(readFileSync(eventPatternsFile, 'utf8')) as unknown;
  if (!isObject(patterns)) throw new Error(`${eventPatternsFile} holds no patterns`);
  return Object.fromEntries(
    Object.entries(patterns).map(([rule, pattern]) => {
      if (!isObject(pattern)) throw new Error(`${eventPatternsFile}: the pattern of ${rule} is not an object`);
      return [rule, pattern];
    }),
  );
}

/**
 * The alarm rule's pattern: `alarm-state-change` of deploy/event-patterns.yml (the states), narrowed to the alarm
 * names some rule of the config can act on or report, so that no other alarm of the account queues behind the
 * alarm function. Every name passes when a rule's pattern is more than EventBridge can say (the handler still
 * decides); no name passes when there is no rule.
 */
export function alarmRulePattern(configFile = shippedConfigFile): Record<string, unknown> {
  const base = eventPatterns()['alarm-state-change'];
  if (base === undefined) throw new Error(`${eventPatternsFile} has no alarm-state-change pattern`);
  const names = alarmNameFilter(loadConfigFile(configFile).alarms);
  if (names.filter === undefined) return base;
  return { ...base, detail: { ...(base.detail as Yaml), alarmName: names.filter } };
}

function patternRulesOf(name: string, definition: Yaml, patterns: Record<string, Record<string, unknown>>) {
  const events = Array.isArray(definition.events) ? definition.events : [];
  return events.flatMap((event: unknown): PatternRule[] => {
    const eventBridge = isObject(event) ? event.eventBridge : undefined;
    if (!isObject(eventBridge) || eventBridge.pattern === undefined) return [];
    const narrowed = alarmPatternReference.test(String(eventBridge.pattern));
    const reference = narrowed ? 'alarm-state-change' : patternReference.exec(String(eventBridge.pattern))?.[1];
    const pattern = narrowed ? alarmRulePattern() : reference === undefined ? undefined : patterns[reference];
    if (reference === undefined || pattern === undefined) {
      throw new Error(
        `${name}: a rule's pattern must be one of deploy/event-patterns.yml, given ${eventBridge.pattern}`,
      );
    }
    if (eventBridge.name !== `${ruleNamePrefix}${reference}`) {
      throw new Error(`${name}: the rule with pattern ${reference} must be named ${ruleNamePrefix}${reference}`);
    }
    return [{ rule: reference, pattern }];
  });
}

/** Every function of deploy/functions.yml, in its order. */
export function manifestFunctions(): ManifestFunction[] {
  const functions = parse(readFileSync(functionsFile, 'utf8')) as unknown;
  if (!isObject(functions)) throw new Error(`${functionsFile} holds no functions`);
  const patterns = eventPatterns();
  return Object.entries(functions).map(([name, definition]) => {
    if (!isObject(definition)) throw new Error(`${functionsFile}: ${name} is not a function definition`);
    const handler = /^functions\/([\w-]+)\/handler\.handler$/.exec(String(definition.handler));
    if (handler?.[1] === undefined) {
      throw new Error(`${name}: its handler must be functions/<directory>/handler.handler, is ${definition.handler}`);
    }
    const directory = handler[1];
    const logicalIdPrefix = `${name[0]?.toUpperCase()}${name.slice(1)}`;
    return {
      name,
      directory,
      source: `functions/${directory}/handler.ts`,
      bundle: `functions/${directory}/handler.mjs`,
      logicalIdPrefix,
      logicalId: `${logicalIdPrefix}LambdaFunction`,
      patternRules: patternRulesOf(name, definition, patterns),
      definition,
    };
  });
}
