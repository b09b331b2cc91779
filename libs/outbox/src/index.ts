// Outbox: events written in the same transaction as the change they announce (a submitted report,
// an e-mail to send), each with the job that delivers it at least once afterwards; delivered ones are pruned.
export { OutboxEvent } from './outbox-event.entity.js';
export { BACK_OFFICE_EVENT_TYPES, type OutboxPayloads, type OutboxEventType } from './outbox.js';
export { OutboxDispatcher, OutboxDeliveryFailed, OUTBOX_MAX_ATTEMPTS, type OutboxHandler, type DeliveryOutcome } from './outbox-dispatcher.js';
export { outboxBacklog, type OutboxBacklog } from './outbox.queries.js';
export { enqueue, eventsInLastHour, pruneDelivered, deleteEventsAbout, forgetTrackingCodes } from './outbox.repository.js';

import { OutboxEvent } from './outbox-event.entity.js';
export const OUTBOX_ENTITIES = [OutboxEvent];
