import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withAccountLinks } from '#shared/notify/console-sign-in.js';
import { inert, plainText } from '#shared/notify/markdown.js';
import { taskStopAlert } from '#test/support/alerts.js';

describe('Function: plainText', () => {
  it.each([
    ['*What happened:* the task stopped', 'What happened: the task stopped'],
    ['at *prod/web* and *prod/api*', 'at prod/web and prod/api'],
    ['x*y*', 'xy'],
  ])('drops the bold markers of %j', (markdown, text) => {
    // Assess
    expect(plainText(markdown)).toBe(text);
  });

  it.each([
    ['a product of stars', '2 * 3 * 4'],
    ['a star before a space', '* a*'],
    ['a star after a space', '*a *'],
    ['a pair across a line break', '*a\nb*'],
    ['two stars alone', '**'],
    ['a backslash before a letter', 'C:\\temp\\n'],
  ])('leaves %s as it is', (_, markdown) => {
    // Assess
    expect(plainText(markdown)).toBe(markdown);
  });

  it('reads an escaped star as a star, never as a bold marker', () => {
    // Assess
    expect(plainText('\\*not bold\\*')).toBe('*not bold*');
    expect(plainText('*x\\*')).toBe('*x*');
  });

  it('undoes every escape of a Markdown character and of the angle brackets', () => {
    // Assess
    expect(plainText('\\\\ \\_\\[x\\]\\(y\\)\\#\\+\\-\\.\\!\\<\\>\\|\\~\\{\\}\\`')).toBe('\\ _[x](y)#+-.!<>|~{}`');
    expect(plainText('&lt;https://example.com|x&gt;')).toBe('<https://example.com|x>');
  });

  it('gives back one line of text without backslashes or ampersands as inert received it', () => {
    // Prepare
    const text = fc.string({ unit: fc.constantFrom(...'ab *_`[](){}#+-.!<>|~;/'.split('')), maxLength: 30 });

    // Assess
    fc.assert(fc.property(text, (s) => plainText(inert(s)) === s));
  });
});

describe('Function: withAccountLinks', () => {
  const signIn = { startUrl: 'https://d-1234567890.awsapps.com/start', roleName: 'ReadOnlyAccess' };

  it('opens the portal at its start page however many slashes end its URL', () => {
    // Prepare
    const alert = taskStopAlert({ account: '222222222222' });

    // Act
    const bare = withAccountLinks(alert, signIn);
    const slashed = withAccountLinks(alert, { ...signIn, startUrl: `${signIn.startUrl}//` });

    // Assess
    expect(bare.links[0]?.url).toMatch(/^https:\/\/d-1234567890\.awsapps\.com\/start\/#\/console\?account_id=2{12}&/);
    expect(slashed.links[0]?.url).toBe(bare.links[0]?.url);
  });

  it.each([['aws'], ['2222222222223'], ['x222222222222'], ['']])(
    'leaves the links of an alert whose account %j is not twelve digits',
    (account) => {
      // Prepare
      const alert = taskStopAlert({ account });

      // Act
      const linked = withAccountLinks(alert, signIn);

      // Assess
      expect(linked).toBe(alert);
    },
  );

  it('leaves a link that only names the console elsewhere in its address, and one that is no URL', () => {
    // Prepare
    const links = [
      { label: 'Lure', url: 'https://example.com/?next=x.console.aws.amazon.com' },
      { label: 'Broken', url: 'not a url' },
    ];
    const alert = taskStopAlert({ account: '222222222222', links });

    // Act
    const linked = withAccountLinks(alert, signIn);

    // Assess
    expect(linked.links).toEqual(links);
  });
});
