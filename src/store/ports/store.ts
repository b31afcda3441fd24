/**
 * The store as the services and the jobs see it: one small interface per concern (this folder),
 * gathered as the one object the http plugin builds (`DossierStore`, dossier-store.ts, over
 * Redis). A consumer names the parts it uses, `Pick<Store, 'agencies' | 'delivery'>`, so its
 * type says what it touches and a test can hand it any object with those parts.
 */
import type { Keys } from '../keys.js'
import type { AuditLog } from './audit.js'
import type { Callbacks } from './callbacks.js'
import type { Compaction } from './compaction.js'
import type { AgencyList, Dossiers } from './dossiers.js'
import type { Deadlines, LifecycleEvents } from './lifecycle.js'
import type { WaitingLists } from './lists.js'
import type { Outbox } from './outbox.js'
import type { Replays } from './replays.js'
import type { WebhookQueue } from './webhooks.js'
import type { Notices } from './notices.js'

export interface Store extends Dossiers, AgencyList {
  /** Key names only: the services pass an agency's statistics prefix to the status machine. */
  readonly keys: Pick<Keys, 'statsPrefix'>
  readonly delivery: Outbox
  readonly portal: Callbacks
  readonly webhooks: WebhookQueue
  readonly lifecycle: LifecycleEvents & Deadlines
  readonly audit: AuditLog
  readonly replays: Replays
  readonly compaction: Compaction
  readonly waiting: WaitingLists
  readonly notices: Notices
}
