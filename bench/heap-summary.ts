/**
 * A V8 heap snapshot (`.heapsnapshot`, as `--heapsnapshot-signal` or `v8.writeHeapSnapshot()`
 * write it) summarised by constructor, like the Summary view of Chrome DevTools: per group the
 * objects, their own (shallow) size and their retained size (what would be freed with them; from
 * the dominator tree, so a group's retained size counts each object once even when they nest).
 * `node --import tsx bench/heap-summary.ts <file.heapsnapshot> [rows]` prints the table for a file.
 */
import { readFileSync } from 'node:fs'

export interface HeapGroup { name: string, count: number, selfBytes: number, retainedBytes: number }
export interface HeapSummary { nodes: number, totalBytes: number, groups: HeapGroup[] }

interface Snapshot {
  snapshot: { meta: { node_fields: string[], node_types: [string[], ...unknown[]], edge_fields: string[], edge_types: [string[], ...unknown[]] } }
  nodes: number[]
  edges: number[]
  strings: string[]
}

export function summariseHeap (file: string): HeapSummary {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  const nf = s.snapshot.meta.node_fields
  const ef = s.snapshot.meta.edge_fields
  const N = nf.length
  const E = ef.length
  const nTypes = s.snapshot.meta.node_types[0]
  const eTypes = s.snapshot.meta.edge_types[0]
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map(f => nf.indexOf(f)) as [number, number, number, number]
  const [eType, eTo] = ['type', 'to_node'].map(f => ef.indexOf(f)) as [number, number]
  const weak = eTypes.indexOf('weak')
  const count = s.nodes.length / N
  const firstEdge = new Uint32Array(count + 1)
  for (let i = 0, e = 0; i < count; i++) { firstEdge[i] = e; e += s.nodes[i * N + iEdges] as number; firstEdge[i + 1] = e }
  const target = (e: number): number => (s.edges[e * E + eTo] as number) / N
  const strong = (e: number): boolean => s.edges[e * E + eType] !== weak

  // Dominators (Cooper, Harvey & Kennedy) over strong edges from node 0, the synthetic root.
  const order = new Int32Array(count).fill(-1) // postorder number
  const post: number[] = []
  const stack: Array<[number, number]> = [[0, firstEdge[0] as number]]
  order[0] = -2
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as [number, number]
    const [n, e] = top
    if (e < (firstEdge[n + 1] as number)) {
      top[1]++
      const t = target(e)
      if (strong(e) && order[t] === -1) { order[t] = -2; stack.push([t, firstEdge[t] as number]) }
    } else {
      stack.pop()
      order[n] = post.length
      post.push(n)
    }
  }
  const preds: number[][] = Array.from({ length: count }, () => [])
  for (let n = 0; n < count; n++) {
    if (order[n] === -1) continue
    for (let e = firstEdge[n] as number; e < (firstEdge[n + 1] as number); e++) if (strong(e)) preds[target(e)]?.push(n)
  }
  const idom = new Int32Array(count).fill(-1)
  idom[0] = 0
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while ((order[a] as number) < (order[b] as number)) a = idom[a] as number
      while ((order[b] as number) < (order[a] as number)) b = idom[b] as number
    }
    return a
  }
  for (let changed = true; changed;) {
    changed = false
    for (let i = post.length - 1; i >= 0; i--) {
      const n = post[i] as number
      if (n === 0) continue
      let d = -1
      for (const p of preds[n] ?? []) if (idom[p] !== -1) d = d === -1 ? p : intersect(p, d)
      if (d !== -1 && idom[n] !== d) { idom[n] = d; changed = true }
    }
  }
  const retained = new Float64Array(count)
  for (const n of post) retained[n] = (retained[n] ?? 0) + (s.nodes[n * N + iSize] as number)
  for (const n of post) if (n !== 0 && idom[n] !== -1) retained[idom[n] as number] = (retained[idom[n] as number] ?? 0) + (retained[n] ?? 0)

  // A group's retained size: its members that no other member of the group dominates.
  const groupOf = (n: number): string => {
    const type = nTypes[s.nodes[n * N + iType] as number] ?? '?'
    const name = s.strings[s.nodes[n * N + iName] as number] ?? ''
    if (type === 'object' || type === 'native') return name.split(' ')[0] === '' ? `(${type})` : (name.length > 60 ? `${name.slice(0, 57)}...` : name)
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return '(string)'
    if (type === 'hidden' || type === 'object shape') return `(system) ${name.length > 40 ? name.slice(0, 37) + '...' : name}`
    return `(${type})`
  }
  const group = new Array<string>(count)
  const groups = new Map<string, HeapGroup>()
  let totalBytes = 0
  for (let n = 1; n < count; n++) {
    if (order[n] === -1) continue
    const g = groupOf(n)
    group[n] = g
    const size = s.nodes[n * N + iSize] as number
    totalBytes += size
    let row = groups.get(g)
    if (row === undefined) groups.set(g, row = { name: g, count: 0, selfBytes: 0, retainedBytes: 0 })
    row.count++
    row.selfBytes += size
  }
  for (let n = 1; n < count; n++) {
    if (order[n] === -1) continue
    const g = group[n]
    let d = idom[n] as number
    let nested = false
    // Capped: a long chain (a linked list) would make this quadratic; past it, counted as top-level.
    for (let steps = 0; d !== 0 && steps < 10_000; steps++) { if (group[d] === g) { nested = true; break } d = idom[d] as number }
    if (!nested) (groups.get(g as string) as HeapGroup).retainedBytes += retained[n] as number
  }
  return { nodes: count, totalBytes, groups: [...groups.values()].sort((a, b) => b.retainedBytes - a.retainedBytes) }
}

export function formatHeapSummary (h: HeapSummary, rows = 15): string {
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(1)
  const lines = [`reachable: ${mb(h.totalBytes)} MB in ${h.nodes} nodes`, '', '| constructor | objects | shallow MB | retained MB |', '|---|---|---|---|']
  for (const g of h.groups.slice(0, rows)) lines.push(`| ${g.name.replaceAll('|', '\\|')} | ${g.count} | ${mb(g.selfBytes)} | ${mb(g.retainedBytes)} |`)
  return lines.join('\n')
}

if (process.argv[1]?.endsWith('heap-summary.ts') === true && process.argv[2] !== undefined) {
  console.log(formatHeapSummary(summariseHeap(process.argv[2]), Number(process.argv[3] ?? 25)))
}
