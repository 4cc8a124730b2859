import type { AlarmRule } from './schema.js';

/** An EventBridge string matcher: an exact value, a prefix, a suffix or a wildcard (`*` any run of characters). */
export type NameMatcher = string | { prefix: string } | { suffix: string } | { wildcard: string };

/** What an alarm rule's `alarmName` asks of a name, as EventBridge can say it, or why it cannot. */
type Translation = { matchers: NameMatcher[] } | { why: string };

const WILD = Symbol('.*');
type Segment = string | typeof WILD;

/** The alternatives a regular expression spells, each a run of literals and `.*`; undefined beyond that. */
function alternatives(body: string): Segment[][] | undefined {
  let results: Segment[][] = [[]];
  const append = (options: Segment[][]) => {
    results = results.flatMap((head) => options.map((tail) => [...head, ...tail]));
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined; // \d, \w, \b… are classes, not literals
      append([[next]]);
      i++;
    } else if (c === '.' && body[i + 1] === '*') {
      append([[WILD]]);
      i++;
    } else if (c === '(') {
      const end = body.indexOf(')', i);
      const group = body.slice(i + 1, end).replace(/^\?:/, '');
      if (end < 0 || /[()\\.*+?[\]{}^$]/.test(group)) return undefined;
      append(group.split('|').map((literal) => [literal]));
      i = end;
    } else if ('.+?*[]{}()|^$'.includes(c)) {
      return undefined;
    } else {
      append([[c]]);
    }
  }
  return results;
}

/** One alternative as an EventBridge matcher; RE2 searches, so an unanchored side matches anything there. */
function matcherOf(segments: Segment[], anchoredStart: boolean, anchoredEnd: boolean): NameMatcher | undefined {
  const parts: Segment[] = [];
  for (const s of segments) {
    const last = parts[parts.length - 1];
    if (typeof s === 'string' && typeof last === 'string') parts[parts.length - 1] = last + s;
    else if (!(s === WILD && last === WILD)) parts.push(s);
  }
  if (parts.some((p) => typeof p === 'string' && /[*\\]/.test(p))) return undefined;
  const literal = parts.filter((p): p is string => typeof p === 'string');
  if (literal.join('') === '') return undefined;
  if (!parts.includes(WILD)) {
    const text = literal.join('');
    if (anchoredStart && anchoredEnd) return text;
    if (anchoredStart) return { prefix: text };
    if (anchoredEnd) return { suffix: text };
  }
  const inner = parts.map((p) => (p === WILD ? '*' : p)).join('');
  return { wildcard: `${anchoredStart ? '' : '*'}${inner}${anchoredEnd ? '' : '*'}`.replace(/\*+/g, '*') };
}

/** The matchers of one rule's alarm-name pattern, or why EventBridge cannot express it. Pure. */
export function translateAlarmName(pattern: string | undefined): Translation {
  if (pattern === undefined) return { why: 'a rule without alarmName matches every alarm' };
  const top = pattern.includes('(') ? [pattern] : pattern.split('|');
  const matchers: NameMatcher[] = [];
  for (const branch of top) {
    const anchoredStart = branch.startsWith('^');
    const anchoredEnd = branch.endsWith('$') && !branch.endsWith('\\$');
    const body = branch.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined);
    const options = alternatives(body);
    const translated = options?.map((o) => matcherOf(o, anchoredStart, anchoredEnd));
    if (!translated || translated.some((m) => m === undefined)) {
      return { why: `alarmName ${JSON.stringify(pattern)} is more than EventBridge's prefix, suffix and wildcard` };
    }
    matchers.push(...(translated as NameMatcher[]));
  }
  return { matchers };
}

/**
 * What the alarm rule's pattern asks of `detail.alarmName`, built from the config's alarm rules: only names some rule
 * can act on or report reach the function. `undefined` (every name) when a rule's pattern cannot be said in
 * EventBridge's terms, with why; `[{ exists: false }]` (no name) when there is no rule at all. Pure.
 */
export function alarmNameFilter(
  rules: readonly AlarmRule[],
): { filter: Array<NameMatcher | { exists: false }> } | { filter: undefined; why: string } {
  if (rules.length === 0) return { filter: [{ exists: false }] };
  const all: NameMatcher[] = [];
  for (const rule of rules) {
    const translated = translateAlarmName(rule.alarmName);
    if ('why' in translated) return { filter: undefined, why: translated.why };
    all.push(...translated.matchers);
  }
  const unique = [...new Map(all.map((m) => [JSON.stringify(m), m])).values()];
  return { filter: unique };
}
