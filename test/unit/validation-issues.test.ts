import { describe, expect, it } from 'vitest';
import { describeIssues, formatPath, issuesOf } from '#shared/validation/issues.js';
import { MAX_MATCHED_NAME, matchesPattern, NameTooLongError } from '#shared/validation/name-pattern.js';

describe('Validation: issue paths', () => {
  it('renders a path as a person reads the document, whichever library built it', () => {
    // Act & Assess
    expect(formatPath(['clusters', 0, 'services', 1, 'name'])).toBe('clusters[0].services[1].name');
    expect(formatPath([{ key: 'detail' }, { key: 'containers' }, { key: 2 }])).toBe('detail.containers[2]');
    expect(formatPath([0, 'name'])).toBe('[0].name');
  });

  it('names the root for an issue without a path', () => {
    // Act & Assess
    expect(formatPath(undefined)).toBe('(root)');
    expect(formatPath([])).toBe('(root)');
  });

  it('describes each issue on its own line, path first', () => {
    // Act
    const lines = describeIssues([
      { message: 'Invalid input: expected number, received string', path: ['events', 'maxAgeSeconds'] },
      { message: 'Unrecognized key: "foo"' },
    ]);

    // Assess
    expect(lines).toEqual([
      'events.maxAgeSeconds: Invalid input: expected number, received string',
      '(root): Unrecognized key: "foo"',
    ]);
  });
});

describe('Validation: issuesOf', () => {
  const issues = [{ message: 'Required', path: ['taskArn'] }];

  it('finds the issues on the error, on one of its causes, or as the cause itself', () => {
    // Act & Assess
    expect(issuesOf(Object.assign(new Error('invalid'), { issues }))).toBe(issues);
    expect(issuesOf(new Error('parse failed', { cause: Object.assign(new Error('invalid'), { issues }) }))).toBe(
      issues,
    );
    expect(issuesOf(new Error('parse failed', { cause: issues }))).toBe(issues);
    expect(issuesOf({ issues })).toBe(issues);
  });

  it('finds none behind an error without issues, or behind a value that is not an error', () => {
    // Act & Assess
    expect(issuesOf(new Error('timeout'))).toBeUndefined();
    expect(issuesOf(new Error('parse failed', { cause: new Error('timeout') }))).toBeUndefined();
    expect(issuesOf({ cause: { issues } })).toBeUndefined();
    expect(issuesOf(undefined)).toBeUndefined();
  });
});

describe('Validation: matchesPattern', () => {
  it('matches a config pattern anywhere in a name unless the pattern anchors it', () => {
    // Act & Assess
    expect(matchesPattern('5xx', 'web-prod-5xx-high')).toBe(true);
    expect(matchesPattern('^5xx', 'web-prod-5xx-high')).toBe(false);
    expect(matchesPattern('^web-.*-high$', 'web-prod-5xx-high')).toBe(true);
  });

  it('matches with the u flag, so a pattern on code points sees one character where UTF-16 has two', () => {
    // Act & Assess
    expect(matchesPattern('^.$', '🚨')).toBe(true);
  });

  it(`matches names of up to ${MAX_MATCHED_NAME} characters and refuses a longer one`, () => {
    // Act & Assess
    expect(matchesPattern('a$', 'a'.repeat(MAX_MATCHED_NAME))).toBe(true);
    expect(() => matchesPattern('a$', 'a'.repeat(MAX_MATCHED_NAME + 1))).toThrow(NameTooLongError);
    expect(() => matchesPattern('a$', 'a'.repeat(MAX_MATCHED_NAME + 1))).toThrow(
      'a name of 257 characters is longer than 256: not matched against the config',
    );
  });
});
