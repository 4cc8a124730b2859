/**
 * The layers of the code and the one direction imports run in (README, "Layers"). `npm run lint` checks them.
 * Top to bottom; a module imports from its own layer or a lower one, never a higher one.
 */
/** Below the domains, beside one another: what every reaction builds on. */
const foundations = ['config', 'events', 'notify', 'validation', 'logging', 'lambda', 'state'];
const lowerThanDomains = ['executor', 'targets', 'services', ...foundations, 'aws', 'errors'];
const layers = [
  { name: 'functions', path: '^functions/' },
  { name: 'domains', path: `^shared/(?!(${lowerThanDomains.join('|')})[./])[^/]+/` },
  { name: 'executor', path: '^shared/executor/' },
  { name: 'resources (targets, services)', path: '^shared/(targets|services)/' },
  { name: 'foundations', path: `^shared/(${foundations.join('|')})/` },
  { name: 'aws', path: '^shared/aws/' },
  { name: 'errors', path: '^shared/errors\\.ts$' },
];

const upward = layers.flatMap((lower, i) =>
  layers.slice(0, i).map((higher) => ({
    name: `no-${lower.name}-to-${higher.name}`.replaceAll(/[^a-z-]+/g, '-'),
    comment: `${lower.name} sits below ${higher.name}: it must not import from it`,
    severity: 'error',
    from: { path: lower.path },
    to: { path: higher.path },
  })),
);

/** Planners, classifiers, resolvers and report builders: pure, so they are tested with plain data. */
const planners =
  '^shared/.+/(plan|classify|screen|resolve|report)\\.ts$|^shared/audit/(checks/.+|finding)\\.ts$|^shared/notify/(alert|build-alert)\\.ts$|^shared/executor/(actions|audit|guardrails)\\.ts$';

export default {
  forbidden: [
    ...upward,
    {
      name: 'no-domain-to-domain',
      comment: 'a domain reacts on its own; what two domains share moves down to targets, services or a foundation',
      severity: 'error',
      from: { path: layers[1].path.replace('[^/]+/', '([^/]+)/') },
      to: { path: layers[1].path, pathNot: '^shared/$1/' },
    },
    {
      name: 'no-function-to-function',
      comment: 'each function is wired on its own; what two share lives in shared/',
      severity: 'error',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^functions/', pathNot: '^functions/$1/' },
    },
    {
      name: 'shared-stays-inside',
      comment: 'shared/ is what the functions bundle: it never reaches into the entry points, the tools or the tests',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|local|test|cli|scripts|bench)/' },
    },
    {
      name: 'pure-planners',
      comment: 'planners take observed state and return intended actions: no AWS SDK at run time (types are fine)',
      severity: 'error',
      from: { path: planners },
      to: {
        path: '(^|/)node_modules/@aws-sdk/(client-|lib-)|^shared/aws/(?!arn\\.ts$)',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'pure-planners-transitively',
      comment: 'nor through a module they import: a planner reaches no AWS client',
      severity: 'error',
      from: { path: planners },
      to: {
        path: '^shared/aws/(?!arn\\.ts$)|^shared/.+/(observe|observation-cache|outbox|publish)\\.ts$',
        reachable: true,
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(functions|shared|local|test|cli|scripts|bench)/|^node_modules/@aws-sdk/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
