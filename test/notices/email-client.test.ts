/**
 * E-mail over SMTP against a real SMTP receiver (smtp-server): the message as sent (Vietnamese
 * subject per RFC 2047, UTF-8 text/plain, From, Date, Message-ID, a PDF whose name is given per
 * RFC 2231), and every outcome: 250, 5xx and 4xx at each stage, a connection lost before and
 * after DATA, a refused login.
 */
import t from 'tap'
import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import { EmailClient, type EmailSend } from '../../src/adapters/notices/email-client.js'

type Mode = 'ok' | 'rcpt-550' | 'rcpt-450' | 'mail-553' | 'drop-at-rcpt' | 'drop-after-data' | 'data-554' | 'data-451'
let mode: Mode = 'ok'
const received: string[] = []

function smtpError (code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code })
}

function drop (session: SMTPServerSession): void {
  // smtp-server keeps the socket on the connection object: cut it as a failing server would.
  (server as unknown as { connections: Set<{ id: string, _socket: { destroy: () => void } }> }).connections.forEach(c => {
    if (c.id === session.id) c._socket.destroy()
  })
}

const server = new SMTPServer({
  authOptional: true,
  allowInsecureAuth: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onAuth (auth, _session, cb) {
    if (auth.username === 'centre' && auth.password === 'right') cb(null, { user: 'centre' })
    else cb(smtpError(535, 'Authentication failed'))
  },
  onMailFrom (_a, _s, cb) { cb(mode === 'mail-553' ? smtpError(553, 'Sender refused') : null) },
  onRcptTo (_a, session, cb) {
    if (mode === 'drop-at-rcpt') { drop(session); return }
    if (mode === 'rcpt-550') { cb(smtpError(550, 'No such user')); return }
    if (mode === 'rcpt-450') { cb(smtpError(450, 'Mailbox busy')); return }
    cb()
  },
  onData (stream: SMTPServerDataStream, session, cb) {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'))
      if (mode === 'drop-after-data') { drop(session); return }
      if (mode === 'data-554') { cb(smtpError(554, 'Rejected')); return }
      if (mode === 'data-451') { cb(smtpError(451, 'Try later')); return }
      cb()
    })
  }
})
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
t.teardown(() => { server.close() })
const port = (server.server.address() as AddressInfo).port

const client = new EmailClient({ host: '127.0.0.1', port, from: 'motcua@kyloi.gov.vn', timeoutMs: 5000 })
const mail: EmailSend = {
  to: 'nguyen.van.an@example.vn',
  fromName: 'Bộ phận Một cửa UBND xã Kỳ Lợi',
  subject: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả hồ sơ 000.00.31.H42-250702-00017',
  text: 'Kính gửi ông Nguyễn Văn An,\nUBND xã Kỳ Lợi xin lỗi vì đã trả kết quả hồ sơ muộn.\nNgày hẹn mới: 12/07/2025.',
  noticeId: 'n-000.00.31.H42-250702-00017-apology-20250705',
  date: new Date('2025-07-05T02:00:00Z'),
  attachment: { filename: 'Phiếu xin lỗi 000.00.31.H42-250702-00017.pdf', content: Buffer.from('%PDF-1.7\n%fake\n') }
}

function decodeWords (header: string): string {
  return header.replace(/\r?\n[ \t]+/g, ' ').replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'))
}

t.test('250: sent, with the headers, body and attachment the contract asks for', async t => {
  mode = 'ok'
  const r = await client.send(mail)
  t.same(r, { kind: 'sent', providerId: '<n-000.00.31.H42-250702-00017-apology-20250705@kyloi.gov.vn>' })
  const raw = received.at(-1) ?? ''
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ')
  const subject = /^Subject: (.*)$/m.exec(head)?.[1] ?? ''
  t.match(subject, /=\?UTF-8\?[BQ]\?/i, 'RFC 2047')
  t.equal(decodeWords(subject), mail.subject)
  t.equal(decodeWords(/^From: (.*)$/m.exec(head)?.[1] ?? ''), 'Bộ phận Một cửa UBND xã Kỳ Lợi <motcua@kyloi.gov.vn>')
  t.match(head, /^Date: Sat, 05 Jul 2025 02:00:00 \+0000/m)
  t.match(head, /^Message-ID: <n-000\.00\.31\.H42-250702-00017-apology-20250705@kyloi\.gov\.vn>/m)
  t.match(raw, /Content-Type: text\/plain; charset=utf-8/i)
  t.match(raw, /Content-Type: application\/pdf/i)
  t.match(raw, /filename\*0\*=utf-8''|filename\*=utf-8''/i, 'the file name per RFC 2231')
})

t.test('a refused login stops the channel', async t => {
  mode = 'ok'
  const wrong = new EmailClient({ host: '127.0.0.1', port, from: 'motcua@kyloi.gov.vn', user: 'centre', password: 'wrong', timeoutMs: 5000 })
  t.match(await wrong.send(mail), { kind: 'stop-channel-config', scope: 'channel', then: 'hold' })
  const right = new EmailClient({ host: '127.0.0.1', port, from: 'motcua@kyloi.gov.vn', user: 'centre', password: 'right', timeoutMs: 5000 })
  t.equal((await right.send(mail)).kind, 'sent')
})

t.test('each stage\'s refusal and each lost connection to its outcome', async t => {
  const cases: Array<[Mode, Record<string, unknown>]> = [
    ['rcpt-550', { kind: 'next-channel-applicant', code: '550' }],
    ['rcpt-450', { kind: 'retry', code: '450' }],
    ['mail-553', { kind: 'stop-channel-config', code: '553' }],
    ['data-554', { kind: 'next-channel-applicant', code: '554' }],
    ['data-451', { kind: 'retry', code: '451' }],
    ['drop-at-rcpt', { kind: 'retry' }],
    ['drop-after-data', { kind: 'sent-unconfirmed' }]
  ]
  for (const [m, want] of cases) {
    mode = m
    const r = await client.send(mail)
    t.match(r, want, m)
    t.notMatch(JSON.stringify(r), /example\.vn|kyloi\.gov\.vn/, `${m}: no address in the outcome`)
  }
  mode = 'ok'
})

t.test('a connection refused before anything is a retry', async t => {
  const closed = new EmailClient({ host: '127.0.0.1', port: 1, from: 'motcua@kyloi.gov.vn', timeoutMs: 2000 })
  t.match(await closed.send(mail), { kind: 'retry' })
})
