/**
 * Why the clients file was refused or not changed. `message` is the operator's English (the
 * gateway's log, `npm run client`); `problem` and `params` say the same for the CLI, which prints
 * the dictionary's words for it (src/web/i18n-problems.ts, `cf_<problem>`). `cause` is the
 * refusal behind a `notWritten`: the file as it would have been.
 */
export type ClientsFileProblem =
  | 'cannotRead' | 'notJson' | 'cannotWrite'
  | 'unknownField' | 'badAgency' | 'invalid'
  | 'duplicateId' | 'duplicateKey' | 'noSystem' | 'noAgencies' | 'systemsForSector' | 'adminWebhook' | 'adminSystem' | 'badSecret'
  | 'notWritten' | 'exists' | 'missing' | 'noKeysOut' | 'noFirstClient'

export class ClientsFileError extends Error {
  constructor (message: string, readonly problem: ClientsFileProblem, readonly params: Record<string, string | number>, cause?: ClientsFileError) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'ClientsFileError'
  }
}
