/** Sample payloads built from the contract samples, varied per test. */
import { readFileSync } from 'node:fs'

const SHARED = new URL('../fixtures/samples/', import.meta.url)

export function sample (name: 'civil-status.json' | 'land-registration.xml' | 'social-insurance.xml'): string {
  return readFileSync(new URL(name, SHARED), 'utf8')
}

/** The land sample with thousands of `TepTin` attachments, to about `bytes` bytes. */
export function bigLandDossier (sample: string, bytes: number): string {
  const files: string[] = []
  let size = Buffer.byteLength(sample)
  for (let i = 1; size < bytes; i++) {
    const line = `    <TepTin ma="TP${i}" ten="Giấy tờ kèm theo số ${i}.pdf" kieu="application/pdf" kichThuoc="${1000 + i}" ` +
      `sha256="7f0c1e2d3b4a59687766554433221100ffeeddccbbaa99887766554433221100" url="https://vpdk.hatinh.example/tep/4512/${i}"/>\n`
    files.push(line)
    size += Buffer.byteLength(line)
  }
  return sample.replace('</GiayToKemTheo>', `${files.join('')}  </GiayToKemTheo>`)
}

export type CivilStatus = Record<string, unknown> & { soBienNhan: string, trangThai: string }

/** The civil-status sample with its own receipt number (and any overrides). */
export function civilStatus (n: number | string, overrides: Record<string, unknown> = {}): CivilStatus {
  const doc = JSON.parse(sample('civil-status.json')) as CivilStatus
  doc.soBienNhan = `HT-18754-2025-${String(n).padStart(6, '0')}`
  return { ...doc, ...overrides }
}

export async function post (url: string, key: string, system: string, body: string | object, contentType = 'application/json'): Promise<{ status: number, json: any, text: string }> {
  const res = await fetch(`${url}/v1/inbound/${system}`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-api-key': key },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await res.text()
  let json: any
  try { json = JSON.parse(text) } catch { json = undefined }
  return { status: res.status, json, text }
}

export async function getDossier (url: string, key: string, maHoSo: string): Promise<{ status: number, json: any }> {
  const res = await fetch(`${url}/v1/dossiers/${encodeURIComponent(maHoSo)}`, { headers: { 'x-api-key': key } })
  return { status: res.status, json: await res.json() }
}
