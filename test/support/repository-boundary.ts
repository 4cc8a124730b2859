import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Directories that hold no file of ours: installed packages, build output, git's own data, mutation-test sandboxes. */
const notOurs = new Set([
  'node_modules',
  '.venv',
  '.git',
  '.serverless',
  '.esbuild',
  'coverage',
  '.stryker-tmp',
  'reports',
]);

/** The files that can read a path: code, scripts, and the configs that name files (not docs, not event data). */
const readsPaths = /\.(ts|mts|cts|js|mjs|cjs|sh|yml|yaml)$|^(package\.json|tsconfig\.json|biome\.json|run)$/;

/** Paths that are outside any repository, whatever file names them. */
const absoluteReferences: { what: string; pattern: RegExp }[] = [
  { what: 'an absolute path of this machine', pattern: /(^|['"`(\s:=])\/(work|home|root|Users|mnt|srv|opt|data)\// },
  { what: 'a home directory', pattern: /(^|['"`\s])~\/|homedir\(\)|process\.env\.HOME\b/ },
];

/** Scripts and configs, whose relative paths are the repository root's (scripts/*.sh cd there first). */
const rootRelative = /\.(sh|yml|yaml|json)$|(^|\/)run$/;

/** A word of a script or config that climbs: ../shared/events. */
const climbingWord = /(^|[\s=:"'(])\.\.\/[^\s"')]*/;

/** A quoted relative path that climbs out of a folder (a parent-folder step followed by a name), as in `"../../x"`. */
const climbingLiteral = /(['"`])((?:\.\.\/)+[^'"`]*)\1/g;

/** A call given a base and quoted segments, some of them `..`, as in resolve(repoRoot, <..>, <shared>). */
const segmentCall = /\(\s*([\w.]+)\s*((?:,\s*(['"`])[^'"`]*\3\s*)+)\)/g;

/** The bases that name the file's own directory; any other base (`repoRoot`, `root`, …) names the repository's. */
const ownDirectory = new Set(['import.meta.dirname', '__dirname', 'import.meta.url']);

/** One place a file reads outside the repository. */
export interface OutsideReference {
  file: string;
  line: number;
  what: string;
  text: string;
}

/** Whether a path, relative to the repository root, leaves it. */
const leaves = (path: string) => path === '..' || path.startsWith('../');

function climbsOut(file: string, code: string): string | undefined {
  if (rootRelative.test(file)) {
    const word = climbingWord.exec(code)?.[0];
    if (word !== undefined) return `a relative path out of the repository (${word.trim()})`;
  }
  for (const [, , path = ''] of code.matchAll(climbingLiteral)) {
    if (leaves(join(dirname(file), path))) return `a relative path out of the repository (${path})`;
  }
  for (const [, base = '', segments = ''] of code.matchAll(segmentCall)) {
    const parts = [...segments.matchAll(/(['"`])([^'"`]*)\1/g)].map(([, , part = '']) => part);
    if (!parts.includes('..')) continue;
    const from = ownDirectory.has(base) ? dirname(file) : '.';
    if (leaves(join(from, ...parts))) return `path segments out of the repository (${base}, ${parts.join(', ')})`;
  }
  return undefined;
}

/** The references outside the repository in one file's text, the file named relative to the repository root. */
export function outsideReferencesIn(file: string, text: string): OutsideReference[] {
  return text.split('\n').flatMap((code, index) => {
    const found = absoluteReferences.filter(({ pattern }) => pattern.test(code)).map(({ what }) => what);
    const climb = climbsOut(file, code);
    if (climb !== undefined) found.push(climb);
    return found.map((what) => ({ file, line: index + 1, what, text: code.trim() }));
  });
}

/** Every file of the repository that can read a path, relative to its root. */
export function repositoryFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return notOurs.has(entry.name) ? [] : repositoryFiles(root, join(dir, entry.name));
    return readsPaths.test(entry.name) ? [relative(root, join(dir, entry.name))] : [];
  });
}

/** Every reference outside the repository in its files. */
export function outsideReferencesOf(root: string, files = repositoryFiles(root)): OutsideReference[] {
  return files.flatMap((file) => outsideReferencesIn(file, readFileSync(join(root, file), 'utf8')));
}
