import { Module } from '@nestjs/common';
import { AuditModule } from '@front-counter/audit';
import { DeliveryService } from './delivery.service.js';

/** The delivery service; DELIVERY_DOCUMENTS comes from the application (casework's DeliveryDocumentsModule), DELIVERY_MAIL from the worker. */
@Module({ imports: [AuditModule], providers: [DeliveryService], exports: [DeliveryService] })
export class DeliveriesModule {}
