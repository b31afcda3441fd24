/**
 * Every text of the CLI comes from the one dictionary (src/web/i18n.ts, its CLI words in
 * src/web/i18n-cli.ts): no human text written in cli/*.ts itself, every command's help wholly in
 * the language asked for, and the CLI's words with the same `{places}` in both languages.
 */
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import ts from 'typescript'
import type { Command } from 'commander'
import { buildProgram } from '../../cli/program.js'
import { setLang } from '../../cli/lang.js'
import { CLI_WORDS } from '../../src/web/i18n-cli.js'
import { foreignWords } from '../helpers/cli.js'

const dir = new URL('../../cli/', import.meta.url)

/** The string literals and template texts of a source file, import specifiers left out. */
function literals (file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(new URL(file, dir), 'utf8'), ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword)) return
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) found.push(n.text)
    ts.forEachChild(n, visit)
  }
  visit(source)
  return found
}

/**
 * Human text: Vietnamese letters, or two words of letters in a row. What the CLI may write
 * itself: commander's flags and usages (`--reason <reason>`, `validate <system> <file>`), codes,
 * paths, and the English forms of commander's own refusals that ./lang.ts matches to translate them.
 */
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/iu
const TWO_WORDS = /\p{L}{2,}[ ]+\p{L}{2,}/u
const COMMANDER = /^(\^|error: |Usage:|Options:|Global Options:|Arguments:|Commands:|help \[command\]|-h, --help)/

t.test('no human text is written in cli/*.ts: it comes from the dictionary', async t => {
  const files = readdirSync(dir).filter(f => f.endsWith('.ts'))
  t.ok(files.length >= 8, `the CLI's files (${files.length})`)
  const offending = files.flatMap(f => literals(f).filter(s => (VIETNAMESE.test(s) || TWO_WORDS.test(s)) && !COMMANDER.test(s)).map(s => `${f}: ${s}`))
  t.same(offending, [], 'every printed text is a dictionary word')
})

t.test('the check finds a text written in place', async t => {
  // The same rules on a line as the CLI had it before the dictionary: it would fail.
  t.ok(TWO_WORDS.test('client x added to y (send SIGHUP to running gateways to load it)'))
  t.ok(VIETNAMESE.test('đã tạo lần gửi lại hàng loạt'))
  t.notOk(TWO_WORDS.test('--reason <reason>'))
})

function * commands (c: Command): Generator<Command> {
  yield c
  for (const s of c.commands) yield * commands(s)
}

t.test('every command\'s help is wholly in the language asked for', async t => {
  for (const lang of ['vi', 'en'] as const) {
    setLang(lang)
    const all = [...commands(buildProgram())]
    // Names and choices are typed as they are, in either language.
    const names = new Set(['help', ...all.map(c => c.name()), ...all.flatMap(c => c.options.flatMap(o => o.argChoices ?? []))])
    t.ok(all.length >= 15, `${lang}: every command (${all.length})`)
    for (const c of all) {
      const help = c.helpInformation()
      t.same(foreignWords(help, lang, names), [], `${lang}: ${c.name()} --help`)
    }
  }
  setLang('vi')
  t.match(buildProgram().helpInformation(), /^Cách dùng: lienthong \[tùy chọn\] \[lệnh\]/)
})

t.test('the CLI\'s words fill the same places in both languages', async t => {
  const places = (s: string): string => [...s.matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort().join(',')
  const differ = Object.entries(CLI_WORDS).filter(([, [vi, en]]) => places(vi) !== places(en)).map(([k]) => k)
  t.same(differ, [])
})

t.test('the detector of the other language finds what it should', async t => {
  t.same(foreignWords('client hotich-ht added to config/clients.json', 'vi'), ['client', 'added', 'to'])
  t.same(foreignWords('đã thêm ứng dụng hotich-ht vào config/clients.json', 'vi'), [])
  t.same(foreignWords('Mã hồ sơ: X', 'en'), ['Mã', 'hồ', 'sơ:'])
})
