/** Spreads `{ [k]: v }` only when `v` is defined: canonical records leave empty fields out. */
export function optional<K extends string, V> (k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V }
}
