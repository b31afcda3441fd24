const CODE = /^(.+)-(\d{6})-(\d{5})$/
/** The agency code embedded in a MaHoSo (`<agency>-<yyMMdd>-<seq>`), or undefined. */
export function agencyOfCode (maHoSo: string): string | undefined {
  return CODE.exec(maHoSo)?.[1]
}
