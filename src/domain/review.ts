/** Here, not with the mappings that raise it, because the store keeps it on the record. */
/** A commune the mapping could not settle on its own: the dossier is held for an admin. */
export interface ReviewItem {
  code: 'COMMUNE_SPLIT'
  /** Sender-term path of the field that needs a decision. */
  field: string
  /** The canonical field the decision fills, e.g. `agency.communeCode`. */
  target: string
  oldCode: string
  candidates: Array<{ code: string, name: string }>
  message: { vi: string, en: string }
}
