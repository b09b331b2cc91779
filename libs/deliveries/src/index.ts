// Deliveries: each force's reports to its own back-office systems (signed webhooks as Standard Webhooks
// describes, or a mailbox), at least once and in order per report, with every attempt recorded, dead
// letters and replay. Owns destinations, deliveries and delivery_attempts.
export { Delivery, DeliveryAttempt, Destination, type DeliveryStatus } from './delivery.entities.js';
export { DeliveryService, DELIVERY_MAIL, retryDelaySeconds, type AttemptOutcome, type AttemptResult, type DeliveryMail } from './delivery.service.js';
export { DELIVERY_DOCUMENTS, type DeliveryDocuments, type ReportDocumentData } from './delivery-documents.port.js';
export { syncDestinations, type ForceDestinations } from './destinations-sync.js';
export { attemptsOf, deliveryById } from './deliveries.repository.js';
export { deliveryBacklog, type DestinationBacklog } from './deliveries.queries.js';
export { DeliveriesResolver } from './deliveries.resolver.js';

import { Delivery, DeliveryAttempt, Destination } from './delivery.entities.js';
export const DELIVERIES_ENTITIES = [Destination, Delivery, DeliveryAttempt];
export { DeliveriesModule } from './deliveries.module.js';
