import { Injectable } from '@nestjs/common';
import {
  NationalOnboardDocument,
  NationalOverviewDocument,
  NationalPublishDocument,
  NationalReinstateDocument,
  NationalRollOutDocument,
  NationalServiceDefinitionsDocument,
  NationalServicesDocument,
  NationalSuspendDocument,
  type NationalOnboardMutation,
  type NationalOverviewQuery,
  type NationalServiceDefinitionsQuery,
} from '../graphql/operations.generated.js';
import { StaffApi, type StaffContext } from '../staff/staff-api.js';

export type NationalForce = NationalOverviewQuery['nationalForces'][number];
export type Onboarding = NationalOnboardMutation['onboardForce'];
/** A national service; its definition (JSON in the schema) only where the page shows it. */
export type NationalService = Omit<NationalServiceDefinitionsQuery['nationalServices'][number], 'definition'> & { definition?: Record<string, unknown> };

/** The api's national programme team operations, as the signed-in national administrator. */
@Injectable()
export class NationalApi {
  constructor(private readonly staff: StaffApi) {}

  async overview(context: StaffContext, days: number) {
    const data = await this.staff.call(context, NationalOverviewDocument, { days });
    return { forces: data.nationalForces, figures: data.nationalFigures };
  }

  async onboard(context: StaffContext, force: unknown, routing: unknown, logoSvg: string | null, dryRun: boolean): Promise<Onboarding> {
    return (await this.staff.call(context, NationalOnboardDocument, { force, routing, logoSvg, dryRun })).onboardForce;
  }

  async setStatus(context: StaffContext, slug: string, suspend: boolean, reason: string): Promise<void> {
    if (suspend) await this.staff.call(context, NationalSuspendDocument, { slug, reason });
    else await this.staff.call(context, NationalReinstateDocument, { slug });
  }

  async services(context: StaffContext): Promise<NationalService[]> {
    return (await this.staff.call(context, NationalServicesDocument, {})).nationalServices;
  }

  async service(context: StaffContext, serviceId: string): Promise<NationalService | null> {
    const services = (await this.staff.call(context, NationalServiceDefinitionsDocument, {})).nationalServices as NationalService[];
    return services.find((service) => service.id === serviceId) ?? null;
  }

  async publish(context: StaffContext, definition: unknown, dryRun: boolean) {
    return (await this.staff.call(context, NationalPublishDocument, { definition, dryRun })).publishNationalService;
  }

  async rollOut(context: StaffContext, serviceId: string) {
    return (await this.staff.call(context, NationalRollOutDocument, { id: serviceId })).rollOutNationalService;
  }
}
