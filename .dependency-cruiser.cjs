// The house's arrows (README, Architecture): a stage imports only stages below it; `local/` is reached only
// through `target/`; `model/` and the loose foundation files (errors, random, suggest, version) import no stage.
// `npm run lint` runs this; `npm test` runs lint first.
const LAYERS = ['cli', 'run', 'agent', 'scenario', 'target', 'load', 'metrics', 'faults', 'slo', 'report', 'model'];

const upward = LAYERS.slice(1).map((layer, i) => ({
  name: `${layer}-imports-upward`,
  comment: `${layer}/ may import only ${LAYERS.slice(i + 2).join(', ')} (and the foundation files)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(0, i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'local-only-through-target',
      comment: 'local/ (the look-alike and the real-Milvus launcher) is reached only through target/',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(target|local)/' },
      to: { path: '^src/local/' },
    },
    {
      name: 'local-imports-no-stage',
      comment: 'local/ sits outside the data flow: it may import model/ and the foundation files only',
      severity: 'error',
      from: { path: '^src/local/' },
      to: { path: `^src/(${LAYERS.filter((l) => l !== 'model').join('|')})/` },
    },
    {
      name: 'foundation-imports-no-stage',
      comment: 'src/*.ts foundation files (errors, random, suggest, version) import no stage; src/index.ts is the public API',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$', pathNot: '^src/index\\.ts$' },
      to: { path: `^src/(${LAYERS.filter((l) => l !== 'model').join('|')}|local)/` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs'] },
  },
};
