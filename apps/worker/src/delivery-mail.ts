import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { DELIVERY_MAIL, type DeliveryMail } from '@front-counter/deliveries';
import { channelFor, Mailer } from '@front-counter/notifications';
import { forceLetterhead } from '@front-counter/tenancy';

/** E-mail destinations send through the force's own channel (GOV.UK Notify or SMTP), as its other e-mail does. */
@Injectable()
export class WorkerDeliveryMail implements DeliveryMail {
  private readonly mailer: Mailer;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.mailer = new Mailer(config.mail);
  }

  async send(tenantId: string, message: Parameters<DeliveryMail['send']>[1]): Promise<void> {
    const force = await forceLetterhead(this.dataSource, tenantId);
    if (!force) throw new Error(`no force ${tenantId}`);
    const channel = channelFor(force, { environment: process.env, mailer: this.mailer, notifyApiUrl: this.config.notify.apiUrl });
    await channel.sendEmail({
      to: message.to,
      subject: message.subject,
      text: message.text,
      fromName: force.name.en,
      attachments: [message.attachment],
      reference: message.reference,
    });
  }
}

/** Gives the deliveries library the worker's way of sending e-mail (the api sends none). */
@Global()
@Module({ providers: [WorkerDeliveryMail, { provide: DELIVERY_MAIL, useExisting: WorkerDeliveryMail }], exports: [DELIVERY_MAIL] })
export class WorkerDeliveryMailModule {}
