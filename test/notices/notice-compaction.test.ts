/**
 * Compaction takes a dossier's notices with it: a final, delivered dossier past RETENTION_DAYS
 * loses its notice records, their places in the failed list and their letters, in the script that
 * compacts it (lua/compact.lua); another dossier's notices stay.
 */
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { compactAll } from '../../src/queue/compact.js'
import { Keys } from '../../src/store/keys.js'
import { useStack } from '../helpers/fixture.js'

const DAY = 86_400_000
const AGENCY = '000.00.31.H42'
const keys = new Keys('lt')
const dir = mkdtempSync(join(tmpdir(), 'lt-notice-compaction-'))
const file = join(dir, 'notices.json')
const sample = JSON.parse(readFileSync('config/notices.sample.json', 'utf8')) as { agencies: Array<Record<string, unknown>> }
writeFileSync(file, JSON.stringify({ ...sample, agencies: [{ ...sample.agencies[0], quietHours: { start: '00:00', end: '00:00' } }] }))

// No provider is configured: every notice ends not-sent (no channel left), listed among failed.
const { gw, db } = useStack(t, { env: { RETENTION_DAYS: '1', NOTICES_FILE: file, NOTICES_SECRET: 'notices-secret-for-tests-0123456789abcdef', NOTICE_SWEEP_MS: '500' }, db: true })

async function noticeIds (code: string): Promise<string[]> {
  const at = await gw.app.store.locate(code)
  if (at === undefined) throw new Error(`${code} not found`)
  return (await gw.app.store.notices.forDossier(AGENCY, at.ref)).map(n => n.id)
}

t.test('a compacted dossier\'s notices go with it', async t => {
  const key = gw.keys['civil-status'] as string
  const a = (await post(gw.url, key, 'civil-status', civilStatus(6001, { trangThai: 'DA_TRA' }))).json.maHoSo as string
  const b = (await post(gw.url, key, 'civil-status', civilStatus(6002))).json.maHoSo as string
  const state = async (code: string): Promise<string> => (await getDossier(gw.url, gw.keys.admin, code)).json.sync.state
  await waitFor(async () => await state(a) === 'delivered' && await state(b) === 'delivered', { what: 'both delivered' })
  const ids = await noticeIds(a)
  const others = await noticeIds(b)
  t.ok(ids.length > 0 && others.length > 0, 'both owe notices')
  await waitFor(async () => {
    const recs = await Promise.all([...ids, ...others].map(async id => await gw.app.store.notices.get(AGENCY, id)))
    return recs.every(r => r?.record.state === 'not-sent')
  }, { what: 'the notices ended not-sent' })
  const first = ids[0] as string
  await gw.app.store.notices.putLetter(AGENCY, first, Buffer.from('%PDF'), DAY * 10)
  t.equal(await db.zscore(keys.noticeFailed(AGENCY), first) !== null, true, 'listed among failed')

  const r = await compactAll(gw.app.store, DAY, { now: Date.now() + 2 * DAY })
  t.match(r, { compacted: 1 }, 'the final delivered dossier is compacted')
  for (const id of ids) {
    t.equal(await db.hexists(keys.notices(AGENCY), id), 0, `${id}: record gone`)
    t.equal(await db.zscore(keys.noticeFailed(AGENCY), id), null, `${id}: off the failed list`)
    t.equal(await db.zscore(keys.noticeQueue(AGENCY), id), null)
    t.equal(await db.zscore(keys.noticeHeld(AGENCY), id), null)
  }
  t.equal(await db.exists(keys.noticeLetter(AGENCY, first)), 0, 'its letter gone')
  for (const id of others) t.equal(await db.hexists(keys.notices(AGENCY), id), 1, `${id}: another dossier's notice stays`)
  t.equal((await gw.app.store.notices.failedPage(AGENCY, undefined, 100)).some(f => ids.includes(f.id)), false, 'officers no longer see them')
})
