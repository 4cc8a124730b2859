/** Slack's three control characters, escaped so that text from events can never open a link or a mention. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A link in Slack's own syntax; `|` cannot appear in a label, so it is replaced by a look-alike. */
export function mrkdwnLink(url: string, label: string): string {
  return `<${url.replaceAll('|', '%7C').replaceAll('>', '%3E')}|${escapeMrkdwn(label).replaceAll('|', '¦')}>`;
}

const markdownLink = /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g;

/**
 * The client-markdown of the alert schema in Slack's mrkdwn: links as `<url|label>`, `**bold**` as `*bold*`,
 * headings as bold lines; everything else (code spans, `*bold*`, bullets) reads the same in both.
 */
export function toMrkdwn(markdown: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const match of markdown.matchAll(markdownLink)) {
    parts.push(escapeMrkdwn(markdown.slice(last, match.index)), mrkdwnLink(match[2] as string, match[1] as string));
    last = match.index + match[0].length;
  }
  parts.push(escapeMrkdwn(markdown.slice(last)));
  return parts
    .join('')
    .replace(/\*\*([^*\n]+)\*\*/g, '*$1*')
    .replace(/^#{1,6}\s+(.+)$/gm, '*$1*');
}

/** The markdown links of a text, in order. */
export function markdownLinks(markdown: string): { label: string; url: string }[] {
  return [...markdown.matchAll(markdownLink)].map((m) => ({ label: m[1] as string, url: m[2] as string }));
}

/** Text cut to a Block Kit limit, with an ellipsis that says it was cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
