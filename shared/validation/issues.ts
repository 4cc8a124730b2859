/** A validation issue as zod, valibot and Standard Schema report it. */
export interface ValidationIssue {
  message: string;
  path?: ReadonlyArray<PropertyKey | { key: unknown }> | undefined;
}

/** Renders an issue path the way a person reads the document: `clusters[0].services[1].name`. */
export function formatPath(path: ValidationIssue['path']): string {
  let out = '';
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  }
  return out || '(root)';
}

/** One line per issue: `path: what was expected`. */
export function describeIssues(issues: readonly ValidationIssue[]): string[] {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/** The issues behind a parse failure, wherever the parsing library put them (the error, or its causes). */
export function issuesOf(error: unknown): ValidationIssue[] | undefined {
  for (let e: unknown = error; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    if (Array.isArray(e)) return e as ValidationIssue[];
    const issues = (e as { issues?: unknown }).issues;
    if (Array.isArray(issues)) return issues as ValidationIssue[];
    if (!(e instanceof Error)) return undefined;
  }
  return undefined;
}
