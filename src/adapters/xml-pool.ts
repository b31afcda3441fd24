/**
 * The worker pool for large XML bodies. Created on first use so that deployments that never see
 * a large body start no threads; idle workers are unref'd by piscina and do not hold the process.
 */
import { availableParallelism } from 'node:os'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { Errors, GatewayError, InputError, type Message } from '../domain/errors.js'
import type { XElement, XmlDocument, XmlLimits } from './xml-types.js'

export type WorkerReply =
  | { ok: true, doc: XmlDocument }
  | { ok: false, code: string, statusCode: number, message: Message, field: string | undefined }

let pool: Piscina | undefined

function getPool (): Piscina {
  if (pool === undefined) {
    // Same extension as this module: .ts under tsx (workers inherit --import=tsx), .js once built.
    const ext = extname(fileURLToPath(import.meta.url))
    pool = new Piscina({
      filename: new URL(`./xml-worker${ext}`, import.meta.url).href,
      minThreads: 1,
      maxThreads: Math.max(2, Math.floor(availableParallelism() / 2)),
      idleTimeout: 30_000,
      // Back-pressure: past this many waiting bodies the sender is told to retry (503).
      maxQueue: 64,
      // Bodies are capped at a few MiB; a worker that needs more than this is being attacked.
      resourceLimits: { maxOldGenerationSizeMb: 128 }
    })
  }
  return pool
}

export async function parseInPool (input: string | Uint8Array, limits: XmlLimits): Promise<XmlDocument> {
  let reply: WorkerReply
  try {
    reply = await getPool().run({ input, limits: { ...limits } })
  } catch (err) {
    if (err instanceof Error && err.message === 'Task queue is at limit') throw Errors.unavailable()
    // A worker that died (out of memory under its resourceLimits, say) fails this request only.
    throw new GatewayError('INTERNAL', 500, Errors.internal().messages, { cause: err })
  }
  if (!reply.ok) {
    throw new InputError(reply.code, reply.statusCode, reply.message, reply.field === undefined ? {} : { field: reply.field })
  }
  restoreNullPrototypes(reply.doc.root)
  return reply.doc
}

/** Structured clone gives every object Object.prototype back; attribute maps must have none. */
function restoreNullPrototypes (root: XElement): void {
  const stack = [root]
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    Object.setPrototypeOf(node.attrs, null)
    for (const child of node.children) stack.push(child)
  }
}

/** Threads the pool runs now; 0 when no large body has been parsed since start or close. */
export function xmlPoolThreads (): number {
  return pool?.threads.length ?? 0
}

/** Stops the pool's threads (graceful shutdown, tests). A later parse starts a new pool. */
export async function closeXmlPool (): Promise<void> {
  const p = pool
  pool = undefined
  if (p !== undefined) await p.close()
}
