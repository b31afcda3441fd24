/** The admin page's pure parts: dates, the record form and its errors, day filters, payload comparison. */
import t from 'tap'
import { formatDate, localDay } from '../../src/web/i18n.js'
import { applyForm, flatten, formPath, placeIssues } from '../../src/web/record-form.js'
import { apiFilter, isoDay } from '../../src/web/routes/failed.js'
import { changedLines } from '../../src/web/payload-view.js'
import { fieldLabel } from '../../src/web/i18n.js'

t.test('dates are dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh, whatever the offset given', async t => {
  t.equal(formatDate('2025-07-02T09:30:00+07:00'), '02/07/2025 09:30')
  t.equal(formatDate('2025-07-01T17:05:00Z'), '02/07/2025 00:05', 'UTC evening is the next local day')
  t.equal(formatDate(Date.UTC(2025, 11, 31, 16, 59)), '31/12/2025 23:59')
  t.equal(formatDate('not a date'), 'not a date')
  t.equal(formatDate(undefined), '')
  t.equal(localDay(Date.UTC(2025, 0, 1, 17, 0)), '2025-01-02')
})

t.test('filter days: dd/MM/yyyy as typed, the whole local day', async t => {
  t.equal(isoDay('2/7/2025'), '2025-07-02')
  t.equal(isoDay('2025-07-02'), '2025-07-02')
  t.same(apiFilter({ from: '02/07/2025', to: '2025-07-03', kind: 'delivery' }), { kind: 'delivery', from: '2025-07-02T00:00:00+07:00', to: '2025-07-03T23:59:59.999+07:00' })
  t.equal(apiFilter({ from: 'hôm qua' }).from, 'hôm qua', 'anything else goes to the API, which names the field')
})

t.test('the record form: one input per leaf, values back in their types, emptied fields left out', async t => {
  const record = { summary: 'x', holder: { ids: [{ type: 'cccd', number: '1' }], phone: '0912' }, documents: [{ size: 5, digitised: true }], fees: [], note: null }
  const leaves = flatten(record)
  t.same(leaves.map(l => l.path), ['summary', 'holder.ids.0.type', 'holder.ids.0.number', 'holder.phone', 'documents.0.size', 'documents.0.digitised', 'note'])
  const out = applyForm(record, { 'f.summary': ' y ', 'f.holder.ids.0.number': '042090004321', 'f.holder.phone': '', 'f.documents.0.size': '7', 'f.documents.0.digitised': 'false', 'f.extra': 'ignored' })
  t.same(out, { summary: 'y', holder: { ids: [{ type: 'cccd', number: '042090004321' }] }, documents: [{ size: 7, digitised: false }], fees: [], note: null })
  t.equal((applyForm(record, { 'f.documents.0.size': 'bảy' }) as { documents: Array<{ size: unknown }> }).documents[0]?.size, 'bảy', 'not a number: sent as typed, for validation to name')
  t.same(record.holder.phone, '0912', 'the original untouched')
  t.same(applyForm({ a: 1 }, { 'f.__proto__.x': '1' }), { a: 1 })
})

t.test('field errors go beside the input they name', async t => {
  t.equal(formPath('dossier.holder.ids[0].number'), 'holder.ids.0.number')
  t.equal(formPath('dossier.holder.ids.0.number'), 'holder.ids.0.number')
  const leaves = flatten({ holder: { ids: [{ number: '1' }], name: 'A' }, summary: 's' })
  const e = (field: string): { field: string } => ({ field })
  const { byPath, loose } = placeIssues(leaves, [e('dossier.holder.ids[0].number'), e('dossier.holder'), e('dossier.receivedAt'), e('dossier')])
  t.same([...byPath.keys()], ['holder.ids.0.number'])
  t.equal(byPath.get('holder.ids.0.number')?.length, 2, 'an object\'s error at its first field')
  t.same(loose.map(i => i.field), ['dossier.receivedAt', 'dossier'], 'the rest above the form')
})

t.test('payload revisions: the lines the older one lacks are marked', async t => {
  t.same(changedLines('a\nb\nc', 'a\nc'), [{ text: 'a', changed: false }, { text: 'b', changed: true }, { text: 'c', changed: false }])
  t.ok(changedLines('a', undefined).every(l => !l.changed), 'the first revision: nothing marked')
  t.equal(fieldLabel('holder.ids.3.number', 'vi'), 'Số giấy tờ tùy thân')
  t.equal(fieldLabel('details.x', 'en'), undefined)
})
