#!/usr/bin/env node
// In a checkout, runs the TypeScript CLI with tsx in this process (one process, so Ctrl-C reaches
// the CLI's own handler). The container image ships no tsx: there the compiled CLI runs.
let register
try {
  ({ register } = await import('tsx/esm/api'))
} catch {
  register = undefined
}
if (register === undefined) {
  await import('../dist/cli/lienthong.js')
} else {
  register()
  await import('./lienthong.ts')
}
