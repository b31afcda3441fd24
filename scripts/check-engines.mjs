#!/usr/bin/env node
// `npm run check:engines` (in .ci/run): the Node versions the project names are ones every
// dependency accepts. Fails when an installed package's `engines.node` does not cover the whole
// of package.json's `engines.node` (semver's subset), when package-lock.json or the docs name
// another range, when the Dockerfile's base image is on a line outside it, or when
// scripts/ensure-node.mjs (which reads the range without semver) disagrees with semver.
import { existsSync, readFileSync } from 'node:fs'
import semver from 'semver'
import { satisfies } from './ensure-node.mjs'

const readJson = path => JSON.parse(readFileSync(path, 'utf8'))
const problems = []
const pkg = readJson('package.json')
const range = pkg.engines?.node
if (typeof range !== 'string' || semver.validRange(range) === null) {
  console.error(`check-engines: package.json has no valid engines.node (${range})`)
  process.exit(1)
}

// Every package npm ci installs, read from the installed package.json when it is there (the lock
// also lists optional packages for other platforms: their engines count too).
const lock = readJson('package-lock.json')
if (lock.packages[''].engines?.node !== range) problems.push(`package-lock.json names engines.node ${lock.packages[''].engines?.node}, package.json ${range}: run npm install`)
let checked = 0
for (const [path, entry] of Object.entries(lock.packages)) {
  if (path === '' || !path.includes('node_modules/')) continue
  const installed = `${path}/package.json`
  const meta = existsSync(installed) ? readJson(installed) : entry
  const needs = meta.engines?.node
  if (typeof needs !== 'string') continue
  checked++
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
  if (semver.validRange(needs) === null) problems.push(`${name}@${meta.version} has an unreadable engines.node "${needs}"`)
  else if (!semver.subset(range, needs)) problems.push(`${name}@${meta.version} needs Node ${needs}, which does not cover ${range}`)
}

// The docs name the range as package.json has it.
for (const doc of ['README.md', 'docs/operations.md']) {
  if (!readFileSync(doc, 'utf8').includes(`\`${range}\``)) problems.push(`${doc} does not name engines.node \`${range}\``)
}

// The image's Node: the newest release of each FROM line must be in the range.
for (const m of readFileSync('Dockerfile', 'utf8').matchAll(/^FROM\s+node:(\d+)/gm)) {
  if (!semver.satisfies(`${m[1]}.999.0`, range)) problems.push(`Dockerfile: FROM node:${m[1]} is outside ${range}`)
}

// scripts/ensure-node.mjs reads the range by hand (it runs before npm ci): it must agree with semver.
for (let major = 16; major <= 30; major++) {
  for (const minor of [0, 1, 11, 12, 13, 18, 19, 20, 99]) {
    const v = `${major}.${minor}.0`
    let mine
    try { mine = satisfies(v, range) } catch (err) { problems.push(err.message); break }
    if (mine !== semver.satisfies(v, range)) problems.push(`scripts/ensure-node.mjs says ${v} ${mine ? 'meets' : 'misses'} ${range}; semver disagrees`)
  }
  if (problems.some(p => p.startsWith('ensure-node reads only'))) break
}

if (problems.length > 0) {
  console.error(`check-engines: ${problems.length} problem(s) with engines.node ${range}:\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(`check-engines: engines.node ${range} is met by all ${checked} packages that name one; docs, lock and Dockerfile agree`)
