/** `npm run client`: sector clients need their agencies; what it writes the gateway loads. */
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashKey, loadClients } from '../../src/http/plugins/clients.js'

const file = join(mkdtempSync(join(tmpdir(), 'lt-new-client-')), 'clients.json')
function run (...args: string[]): { status: number | null, out: string, err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/new-client.ts', ...args], { env: { ...process.env, CLIENTS_FILE: file }, encoding: 'utf8' })
  return { status: r.status, out: r.stdout, err: r.stderr }
}

t.test('adds sector clients with their agencies and admins without, refusing what would not load', async t => {
  const sector = run('hotich-hatinh', 'civil-status', '--agencies', '000.00.31.h42,*.H44', '--agencies', '000.00.45.H42')
  t.equal(sector.status, 0, sector.err)
  const key = /API key \(shown once, keep it secret\): (\S+)/.exec(sector.out)?.[1] ?? ''
  t.equal(run('ops', '--admin').status, 0)
  t.equal(run('hotich-2', 'civil-status').status, 2, 'a sector client needs --agencies')
  const bad = run('hotich-3', 'civil-status', '--agencies', 'H42.*')
  t.equal(bad.status, 1)
  t.match(bad.err, /client hotich-3 .*agencies\[0\] is neither an agency code/)
  t.equal(run('ops-2', '--admin', '--agencies', '*.H42').status, 2, 'admins have no agencies')

  const loaded = loadClients(file)
  t.strictSame(loaded.map(c => ({ id: c.id, agencies: c.agencies })), [
    { id: 'hotich-hatinh', agencies: ['000.00.31.H42', '*.H44', '000.00.45.H42'] },
    { id: 'ops', agencies: [] }
  ])
  t.ok(loaded[0]?.hash.equals(hashKey(key)), 'the printed key is the one whose hash was written')
  t.notMatch(readFileSync(file, 'utf8'), key, 'the key itself is stored nowhere')
})
