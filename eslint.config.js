import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist', 'node_modules', '.data', '.tap', 'coverage']
  }),
  {
    rules: {
      // A TypeBox schema and the type derived from it share a name on purpose.
      '@typescript-eslint/no-redeclare': 'off'
    }
  }
]
