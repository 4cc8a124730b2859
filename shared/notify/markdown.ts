import markdownEscape from 'markdown-escape';

/** Characters left as they are: harmless mid-line, and every backslash shows in channels that do not read Markdown. */
const KEPT: markdownEscape.CharacterSet[] = ['slashes', 'parentheses', 'number signs'];

/**
 * Text we did not write (a stop reason, an alarm's reason, ECS's reason, an AWS error message), made inert for the
 * Markdown an alert is rendered in: `[Open runbook](https://…)` shows as typed instead of becoming a live link,
 * `<https://…|text>` is no link either, no `*`, `_` or backtick of it changes the formatting around it, and its line
 * breaks become spaces, so it cannot start a heading, a list or a quote of its own. Pure.
 */
export function inert(text: string): string {
  // Stryker disable next-line Regex: equivalent, the \s* around the line break already takes any further ones
  return markdownEscape(text.replace(/\s*[\r\n]+\s*/g, ' '), KEPT);
}

/**
 * An alert's Markdown as a terminal shows it: our bold markers dropped, the escapes {@link inert} added undone
 * (`\*` is `*`, `&lt;` is `<`), so a person reads what the text said. Pure; never for a chat channel.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/(^|[^\\])\*(?=\S)([^*\n]+?)(?<=[^\s\\])\*/g, '$1$2')
    .replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
}
