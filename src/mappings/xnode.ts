/** Apart from types.ts so that the Reader and the mapping types do not import each other. */
/** A parsed XML element, namespace prefixes removed (the adapter checks the namespace URI). */
export interface XNode {
  name: string
  attrs: Record<string, string>
  /** Concatenated character data (text and CDATA) directly inside this element. */
  text: string
  children: XNode[]
}
