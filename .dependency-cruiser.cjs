/**
 * The layers of src/ (docs/architecture.md, "Layers"), checked in `npm run lint`. Each layer
 * imports only itself and the layers below it:
 *
 *   domain < mappings < store < adapters < queue < services < http < web < app.ts, server.ts
 *
 * (store additionally never imports mappings.) config.ts and logger.ts sit beside the layers: the
 * process's settings and log, read by every layer from store up (never by domain or mappings,
 * which stay pure). app.ts and server.ts are the top: they build and run the app.
 */
const LAYERS = ['domain', 'mappings', 'store', 'adapters', 'queue', 'services', 'http', 'web']
const SHARED = '^src/(config|logger)\\.ts$'

const above = i => `^src/(${LAYERS.slice(i + 1).join('|')})/|^src/(app|server)\\.ts$`

/**
 * Named exceptions: edges that still climb a layer, each with why and what removes it. An
 * exception allows exactly its importers (`from`) to reach exactly its target (`to`); any other
 * importer of the target from that layer is still an error.
 */
const EXCEPTIONS = [
  // None today. The scope rule and the Client type live in domain/access.ts (one auth plugin,
  // issue 18 item 3), so no layer reaches up to the clients plugin any more.
]

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles in src/: a cycle makes two modules one, whatever the folders say.',
      from: { path: '^src/' },
      to: { circular: true }
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain imports nothing outside itself (packages aside).',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' }
    },
    {
      name: 'mappings-over-domain',
      severity: 'error',
      comment: 'src/mappings are pure conversions: they import src/domain only.',
      from: { path: '^src/mappings/' },
      to: { path: '^src/', pathNot: '^src/(domain|mappings)/' }
    },
    {
      name: 'store-over-domain',
      severity: 'error',
      comment: 'src/store keeps records whatever format they came in: it imports src/domain, not the mappings.',
      from: { path: '^src/store/' },
      to: { path: '^src/mappings/' }
    },
    ...LAYERS.slice(2).map((layer, j) => ({
      name: `${layer}-imports-only-below`,
      severity: 'error',
      comment: `src/${layer} imports only the layers below it (${LAYERS.slice(0, j + 2).join(', ')}) and config/logger.`,
      from: { path: `^src/${layer}/` },
      to: { path: above(j + 2), pathNot: EXCEPTIONS.filter(e => e.layers.includes(layer)).map(e => e.to) }
    })),
    ...EXCEPTIONS.map(e => ({
      name: `exception-${e.name}-only-for-its-importers`,
      severity: 'error',
      comment: e.comment,
      from: { path: `^src/(${e.layers.join('|')})/`, pathNot: e.from },
      to: { path: e.to }
    })),
    {
      name: 'shared-stays-low',
      severity: 'error',
      comment: 'config.ts and logger.ts are read by every layer, so they import only domain and the Redis helpers.',
      from: { path: SHARED },
      to: { path: '^src/', pathNot: `^src/(domain/|store/redis/)|${SHARED}` }
    },
    {
      name: 'in-a-layer',
      severity: 'error',
      comment: 'Every module of src/ belongs to a layer (or is app.ts, server.ts, config.ts, logger.ts): a new top-level folder needs a place in LAYERS and in docs/architecture.md.',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: `^src/(${LAYERS.join('|')})/|^src/(app|server)\\.ts$|${SHARED}` }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } }
  }
}
