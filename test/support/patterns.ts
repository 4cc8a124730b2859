import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';
import { repoRoot } from './fixtures.js';

/** An EventBridge rule declared in serverless.yml, with the event pattern it is created with. */
export interface DeclaredRule {
  /** `function:<name>#<n>` for a function's n-th event (1-based), `resource:<logicalId>` for a CloudFormation rule. */
  id: string;
  /** The function the rule invokes, when it is a function event. */
  functionName?: string;
  pattern: Record<string, unknown>;
}

/** CloudFormation's short-form intrinsics (`!Ref`, `!GetAtt`, …) read as their long forms, so any YAML parses. */
const cloudFormationTags: Tags = [
  'Ref',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'ImportValue',
].flatMap((name) => {
  const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
  return [
    { tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => ({ [key]: value }) },
  ];
}) as Tags;

type Yaml = Record<string, unknown>;

function isObject(value: unknown): value is Yaml {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fails on a pattern that still holds a Serverless variable: this helper resolves nothing. */
function checkedPattern(id: string, pattern: unknown): Record<string, unknown> {
  if (!isObject(pattern)) throw new Error(`${id}: the event pattern is not an object`);
  if (JSON.stringify(pattern).includes('${')) {
    throw new Error(`${id}: the event pattern holds a \${…} variable, which this test helper does not resolve`);
  }
  return pattern;
}

/**
 * The event patterns of every EventBridge rule of a serverless.yml: the `eventBridge` (and legacy `cloudwatchEvent`)
 * events of its functions, and the `AWS::Events::Rule` resources of its `resources` section. Schedule-only rules,
 * which have no pattern, are left out: a function's `schedule` events, `eventBridge` events with a `schedule` and no
 * `pattern`, and rule resources with only a `ScheduleExpression`. Their rate may well hold a variable
 * (`${self:custom.…}`), which is not read. Other event types (`sqs`, …) make no EventBridge rule at all.
 */
export function declaredRules(path = join(repoRoot, 'serverless.yml')): DeclaredRule[] {
  const config = parse(readFileSync(path, 'utf8'), { customTags: cloudFormationTags }) as Yaml;
  const rules: DeclaredRule[] = [];

  const functions = isObject(config.functions) ? config.functions : {};
  for (const [functionName, definition] of Object.entries(functions)) {
    const events = isObject(definition) && Array.isArray(definition.events) ? definition.events : [];
    events.forEach((event: unknown, index) => {
      if (!isObject(event)) return;
      // A schedule fires on time and matches no event: there is no pattern to test.
      if (event.schedule !== undefined) return;
      const id = `function:${functionName}#${index + 1}`;
      const eventBridge = event.eventBridge;
      if (isObject(eventBridge) && eventBridge.pattern !== undefined) {
        rules.push({ id, functionName, pattern: checkedPattern(id, eventBridge.pattern) });
      }
      const cloudwatchEvent = event.cloudwatchEvent;
      if (isObject(cloudwatchEvent) && cloudwatchEvent.event !== undefined) {
        rules.push({ id, functionName, pattern: checkedPattern(id, cloudwatchEvent.event) });
      }
    });
  }

  const resources =
    isObject(config.resources) && isObject(config.resources.Resources) ? config.resources.Resources : {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::Events::Rule') continue;
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    if (properties.EventPattern === undefined) continue;
    const id = `resource:${logicalId}`;
    rules.push({ id, pattern: checkedPattern(id, properties.EventPattern) });
  }

  return rules;
}
