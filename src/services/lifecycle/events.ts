/**
 * Dossier lifecycle events: the public face of src/domain/lifecycle. The event types, what each does
 * and what the portal receives are in docs/lifecycle.md.
 */
export {
  Lifecycle, emptyLifecycle, EVENT_SCHEMAS, EVENT_TYPES, MAX_RESULTS, MAX_RESULTS_PER_EVENT, MAX_SUPPLEMENTS,
  StepEvent, StatusEvent, SupplementRequestedEvent, SupplementReceivedEvent, DueDateEvent, ResultEvent,
  type EventType, type LifecycleEvent
} from '../../domain/lifecycle/schemas.js'
export { parseEvent } from '../../mappings/lifecycle-event.js'
export { applyEvent, FUTURE_TOLERANCE_MS, type ApplyResult, type LifecycleState, type LifecycleStep } from './apply-event.js'
export { withLifecycle } from '../../domain/lifecycle/overlay.js'
