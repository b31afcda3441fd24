/**
 * The hostile requests of the memory bench (bench/memory.ts): what a broken or malicious sender
 * can post to the intake routes, each request refused. Most are large (up to the 1 MiB body
 * limit and past it), because large refused bodies are what swells a server's memory; the
 * structural ones stay within what bare xml2js survives, so that the baseline gets through them. Sent in
 * rotation; the baseline gets the same bodies on its /intake route, with no API key, and refuses
 * them by its JSON schema (XML as text/plain: bare xml2js stalls on the deep documents).
 */
import { sample } from '../support/samples.js'

export interface HostileRequest { name: string, system: 'civil-status' | 'land', contentType: string, body: string | Buffer, badKey?: boolean }

const KB = 1024
const civil = sample('civil-status.json')
const land = sample('land-registration.xml')

export function hostileRequests (): HostileRequest[] {
  const json = 'application/json'
  const xml = 'application/xml'
  const bigName = 'Nguyễn Văn '.repeat(6 * KB)
  const billionLaughs = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol "lol">\n${Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n')}\n]>\n<lolz>&lol9;</lolz>`
  const civilJson = JSON.parse(civil) as Record<string, unknown>
  return [
    { name: 'JSON over the 1 MiB body limit', system: 'civil-status', contentType: json, body: `{"soBienNhan":"${'x'.repeat(1100 * KB)}"}` },
    { name: 'XML of 30,000 empty elements (120 KB, over the 20,000 elements allowed)', system: 'land', contentType: xml, body: `<r>${'<a/>'.repeat(30_000)}</r>` },
    { name: 'XML with one 900 KB text', system: 'land', contentType: xml, body: `<r>${'x'.repeat(900 * KB)}</r>` },
    { name: 'XML nested 1,000 deep (7 KB, over the depth of 32 allowed)', system: 'land', contentType: xml, body: '<a>'.repeat(1000) + '</a>'.repeat(1000) },
    { name: 'billion laughs', system: 'land', contentType: xml, body: billionLaughs },
    { name: 'JSON nested 10,000 deep (20 KB)', system: 'civil-status', contentType: json, body: '['.repeat(10_000) + ']'.repeat(10_000) },
    { name: 'malformed JSON (500 KB)', system: 'civil-status', contentType: json, body: `{"soBienNhan":"${'x'.repeat(500 * KB)}",` },
    { name: 'civil-status with 66 KB names everywhere (~400 KB, valid JSON)', system: 'civil-status', contentType: json, body: civil.replaceAll(/"(Trần|Nguyễn)[^"]*"/g, JSON.stringify(bigName)) },
    { name: 'civil-status with 50,000 attachments (~900 KB, valid JSON)', system: 'civil-status', contentType: json, body: JSON.stringify({ ...civilJson, tepDinhKem: Array.from({ length: 50_000 }, (_, i) => ({ ma: `T${i}` })) }) },
    { name: 'land XML that is not UTF-8 (200 KB)', system: 'land', contentType: xml, body: Buffer.concat([Buffer.from(land.replace('</GiayToKemTheo>', `<TepTin ten="${'a'.repeat(200 * KB)}"/></GiayToKemTheo>`)), Buffer.from([0xe1])]) },
    { name: 'a wrong API key with a 900 KB body', system: 'civil-status', contentType: json, body: `{"x":"${'x'.repeat(900 * KB)}"}`, badKey: true }
  ]
}
