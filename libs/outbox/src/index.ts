// Outbox: events written in the same transaction as the change they announce (a submitted report,
// an e-mail to send), delivered at least once afterwards by the worker; delivered ones are pruned.
export { OutboxEvent } from './outbox-event.entity.js';
export { type OutboxPayloads, type OutboxEventType } from './outbox.js';
export { OutboxDispatcher, OUTBOX_MAX_ATTEMPTS, type OutboxHandler } from './outbox-dispatcher.js';
export { outboxBacklog, type OutboxBacklog } from './outbox.queries.js';
export { enqueue, eventsInLastHour, pruneDelivered, deleteEventsAbout, forgetTrackingCodes } from './outbox.repository.js';

import { OutboxEvent } from './outbox-event.entity.js';
export const OUTBOX_ENTITIES = [OutboxEvent];
