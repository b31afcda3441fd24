/**
 * The words of what goes wrong below the page and the CLI (./i18n-problems.ts) for the errors
 * that carry a code and values instead: the clients file's refusals, the configuration's, the
 * doctor's texts. Read by the CLI (cli/problems.ts) in its language, and by the server's start-up
 * in both.
 */
import { ClientsFileError } from '../http/clients-file-error.js'
import { ConfigError, type ConfigIssue } from '../domain/config-error.js'
import type { Said } from '../services/doctor/texts.js'
import { isWord, words, type Lang, type Word } from './i18n.js'

type Params = Record<string, string | number>

/** A word with its `{name}` places filled; a place with no value stays as it is. */
export function fillWord (w: Word, params: Params, lang: Lang): string {
  return words(lang)(w).replace(/\{(\w+)\}/g, (m, k: string) => Object.hasOwn(params, k) ? String(params[k]) : m)
}

/** A doctor's text (a drift's detail, a notice, a skipped check). */
export function doctorText (s: Said, lang: Lang): string { return fillWord(`doctor_${s.text}`, s.params, lang) }

/** A file system's refusal by its code (EACCES…); a code without words is shown as it is. */
export function fsWhy (why: string | number | undefined, lang: Lang): string {
  const w = `fs_${String(why)}`
  return isWord(w) ? words(lang)(w) : String(why ?? '')
}

export function clientsFileText (e: ClientsFileError, lang: Lang): string {
  const params: Params = { ...e.params }
  if (e.cause instanceof ClientsFileError) params.why = clientsFileText(e.cause, lang)
  else if (e.problem === 'cannotRead' || e.problem === 'cannotWrite') params.why = fsWhy(e.params.why, lang)
  return fillWord(`cf_${e.problem}`, params, lang)
}

function configIssue (i: ConfigIssue, lang: Lang): string {
  const w = `cfg_${i.rule}`
  return isWord(w) ? fillWord(w, { ...i.params, variable: i.variable }, lang) : fillWord('cfg_other', { variable: i.variable, rule: i.rule }, lang)
}

export function configText (e: ConfigError, lang: Lang): string {
  return fillWord('cfg_invalid', { list: e.issues.map(i => configIssue(i, lang)).join('; ') }, lang)
}

/** The words of an error from below, or undefined when it is not one that carries a code. */
export function problemText (err: unknown, lang: Lang): string | undefined {
  if (err instanceof ClientsFileError) return clientsFileText(err, lang)
  if (err instanceof ConfigError) return configText(err, lang)
  return undefined
}
