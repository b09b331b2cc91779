import { Injectable } from '@nestjs/common';
import { StaffApi, type StaffContext } from '../staff/staff-api.js';
import type { FieldProblem, Figures } from '../admin/admin-api.js';

type Text = { en: string; cy?: string | null };

export interface NationalForce {
  slug: string;
  name: Text;
  status: string;
  domains: string[];
  services: string[];
  reportsLast30Days: number;
}

export interface Onboarding {
  problems: FieldProblem[];
  dryRun: boolean;
  created: boolean;
  unchanged: boolean;
  actions: string[];
  primaryDomain: string | null;
}

export interface NationalService {
  id: string;
  version: number;
  definition?: Record<string, unknown>;
  title: Text;
  forces: { slug: string; nationalVersion: number; upToDate: boolean; automatic: boolean; conflicts: string[]; problems: FieldProblem[] }[];
}

/** The api's national programme team operations, as the signed-in national administrator. */
@Injectable()
export class NationalApi {
  constructor(private readonly staff: StaffApi) {}

  async overview(context: StaffContext, days: number): Promise<{ forces: NationalForce[]; figures: { slug: string; figures: Figures }[] }> {
    const data = await this.staff.call<{ nationalForces: NationalForce[]; nationalFigures: { slug: string; figures: Figures }[] }>(
      context,
      `query NationalOverview($days: Int!) {
        nationalForces { slug name { en cy } status domains services reportsLast30Days }
        nationalFigures(days: $days) { slug figures { reports triageDue triagedWithinTarget triagedWithinTargetShare replyDue repliedWithin48Hours repliedWithin48HoursShare triageBreaches replyBreaches } }
      }`,
      { days },
    );
    return { forces: data.nationalForces, figures: data.nationalFigures };
  }

  async onboard(context: StaffContext, force: unknown, routing: unknown, logoSvg: string | null, dryRun: boolean): Promise<Onboarding> {
    const query = `mutation NationalOnboard($force: JSON!, $routing: JSON, $logoSvg: String, $dryRun: Boolean!) {
      onboardForce(force: $force, routing: $routing, logoSvg: $logoSvg, dryRun: $dryRun) { problems { field message } dryRun created unchanged actions primaryDomain }
    }`;
    return (await this.staff.call<{ onboardForce: Onboarding }>(context, query, { force, routing, logoSvg, dryRun })).onboardForce;
  }

  async setStatus(context: StaffContext, slug: string, suspend: boolean, reason: string): Promise<void> {
    if (suspend) await this.staff.call(context, 'mutation NationalSuspend($slug: String!, $reason: String!) { suspendForce(slug: $slug, reason: $reason) { status } }', { slug, reason });
    else await this.staff.call(context, 'mutation NationalReinstate($slug: String!) { reinstateForce(slug: $slug) { status } }', { slug });
  }

  async services(context: StaffContext): Promise<NationalService[]> {
    const query = 'query NationalServices { nationalServices { id version title { en cy } forces { slug nationalVersion upToDate automatic conflicts problems { field message } } } }';
    return (await this.staff.call<{ nationalServices: NationalService[] }>(context, query, {})).nationalServices;
  }

  async service(context: StaffContext, serviceId: string): Promise<NationalService | null> {
    const query = 'query NationalServiceDefinitions { nationalServices { id version title { en cy } definition forces { slug nationalVersion upToDate automatic conflicts problems { field message } } } }';
    return (await this.staff.call<{ nationalServices: NationalService[] }>(context, query, {})).nationalServices.find((service) => service.id === serviceId) ?? null;
  }

  async publish(context: StaffContext, definition: unknown, dryRun: boolean): Promise<{ problems: FieldProblem[]; service: NationalService | null }> {
    const query = `mutation NationalPublish($definition: JSON!, $dryRun: Boolean!) {
      publishNationalService(definition: $definition, dryRun: $dryRun) { problems { field message } service { id version title { en cy } forces { slug nationalVersion upToDate automatic conflicts problems { field message } } } }
    }`;
    return (await this.staff.call<{ publishNationalService: { problems: FieldProblem[]; service: NationalService | null } }>(context, query, { definition, dryRun })).publishNationalService;
  }

  async rollOut(context: StaffContext, serviceId: string): Promise<{ upgraded: string[]; skipped: { slug: string; reason: string }[] }> {
    const query = 'mutation NationalRollOut($id: String!) { rollOutNationalService(serviceId: $id) { upgraded skipped { slug reason } } }';
    return (await this.staff.call<{ rollOutNationalService: { upgraded: string[]; skipped: { slug: string; reason: string }[] } }>(context, query, { id: serviceId })).rollOutNationalService;
  }
}
