/** Apart from index.ts so that the address matcher and the index do not import each other. */
export interface Province { code: string, name: string, fullName: string }
export interface Commune { code: string, name: string, fullName: string, provinceCode: string }
