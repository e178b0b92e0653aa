/**
 * The layering of lib/, checked by dependency-cruiser (`npm run deps`, and in .ci/run). Data flows down this list,
 * and a module imports from its own layer or the layers above it in the list only:
 *
 *   base (errors, util) -> sse (bytes -> SSE messages) -> wire (wire events) -> items (item identity)
 *   -> normalized (events, the tracker, operators, policies, responseEvents) -> http -> consumers (transcript,
 *   serialize) -> the main entry -> the Node-only subpaths (server, terminal) -> the CLI -> the testing kit
 *
 * plus: the testing kit is a leaf (nothing in lib/ but lib/testing imports it), nothing but the CLI imports lib/cli,
 * the main entry reaches no Node built-in and no Node-only, CLI or testing module (browsers bundle it), and no cycle.
 * Type-only imports count too. spec/layout/ checks the same rules from Jest.
 */
const { builtinModules } = require('node:module');

/** Each layer's modules (paths from the repository root), in data-flow order. */
const LAYERS = [
  ['base', '^lib/(errors\\.ts|http/retryAfter\\.ts|util/)'],
  ['sse', '^lib/sse/'],
  ['wire', '^lib/wire/'],
  ['items', '^lib/items/'],
  ['normalized', '^lib/(events\\.ts|streamState\\.ts|responseEvents\\.ts|operators/|policies/)'],
  ['http', '^lib/http/(?!retryAfter\\.ts)'],
  ['consumers', '^lib/(transcript|serialize)/'],
  ['entry', '^lib/index\\.ts$'],
  ['node-only', '^lib/(server|terminal)/'],
  ['cli', '^lib/cli/'],
  ['testing', '^lib/testing/'],
];

const downTheFlow = LAYERS.slice(0, -1).map(([name, path], index) => ({
  name: `layer-${name}`,
  comment: `lib/ layer '${name}' may not import from the layers after it: ${LAYERS.slice(index + 1)
    .map(([later]) => later)
    .join(', ')} (imports point down the data flow only)`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(index + 1).map(([, later]) => later) },
}));

const builtIns = `^(node:)?(${builtinModules.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: modules that need each other belong together, or one of them knows too much.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...downTheFlow,
    {
      name: 'lib-in-a-layer',
      comment: 'Every lib/ module belongs to a layer: add a new folder to LAYERS in .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^lib/', pathNot: LAYERS.map(([, path]) => path) },
      to: {},
    },
    {
      name: 'testing-is-a-leaf',
      comment: 'The testing kit is for tests and users: nothing in lib/ but lib/testing imports it.',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/testing/' },
      to: { path: '^lib/testing/' },
    },
    {
      name: 'only-the-cli-imports-cli',
      comment: 'lib/cli is the command line: nothing else in lib/ imports it.',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/cli/' },
      to: { path: '^lib/cli/' },
    },
    {
      name: 'main-entry-is-browser-safe',
      comment: 'The main entry is what browsers bundle: it reaches no Node-only, CLI or testing module.',
      severity: 'error',
      from: { path: '^lib/index\\.ts$' },
      to: { path: '^lib/(server|terminal|cli|testing)/', reachable: true },
    },
    {
      name: 'main-entry-has-no-node-built-ins',
      comment: 'The main entry is what browsers bundle: no module it reaches imports a Node built-in.',
      severity: 'error',
      from: { path: '^lib/index\\.ts$' },
      to: { path: builtIns, reachable: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-undeclared-package',
      comment: 'lib/ imports a package that package.json does not declare (dependencies, or the rxjs peer).',
      severity: 'error',
      from: { path: '^lib/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-dev-dependency-in-lib',
      comment: 'lib/ imports a devDependency: users do not install those (rxjs, the peer, excepted).',
      severity: 'error',
      from: { path: '^lib/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm-peer'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
