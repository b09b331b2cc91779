import { UseGuards } from '@nestjs/common';
import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { FORM_VERSION_ID, FormCatalogue, JSONScalar, type CompiledForm } from '@front-counter/forms';
import { CurrentTenant, LanguageCode, PublicTenantGuard, type Tenant } from '@front-counter/tenancy';
import { AnswerOutcomeModel, JourneyModel, PublicServiceModel, SaveForLaterOutcomeModel, SubmitOutcomeModel } from './journey.model.js';
import { JourneysService } from './journeys.service.js';
import { ReportsException } from './reports.exception.js';
import { rawValues } from './raw-values.js';

const serviceId = () => Args('serviceId', { type: () => String });
const session = () => Args('session', { type: () => String, description: "The reporter's session token (from the force site's signed cookie)." });

/** The public reporting journey. The force is the one the request's Host belongs to. */
@Resolver()
@UseGuards(PublicTenantGuard)
export class JourneysResolver {
  constructor(
    private readonly journeys: JourneysService,
    private readonly catalogue: FormCatalogue,
  ) {}

  @Query(() => [PublicServiceModel], { description: "The services this force offers online, in the force's order." })
  async services(@CurrentTenant() tenant: Tenant): Promise<PublicServiceModel[]> {
    const versions = await this.catalogue.currentVersions(tenant.id, tenant.services);
    return versions.map((version) => ({ id: version.serviceId, title: version.form.title, summary: version.form.summary, startPage: version.form.startPage.body, formVersionId: version.id }));
  }

  @Query(() => JSONScalar, { description: 'A published form version (immutable: clients may cache it forever).' })
  async formVersion(@CurrentTenant() tenant: Tenant, @Args('id', { type: () => String }) id: string): Promise<CompiledForm> {
    if (!FORM_VERSION_ID.test(id)) throw ReportsException.serviceNotFound();
    const version = await this.catalogue.byId(tenant.id, id);
    if (!version) throw ReportsException.serviceNotFound();
    return version.form;
  }

  @Query(() => JourneyModel, { nullable: true })
  journey(@CurrentTenant() tenant: Tenant, @serviceId() service: string, @session() token: string) {
    return this.journeys.find(tenant, service, token);
  }

  // A new draft is a row: it costs as much as a hundred fields, so aliases cannot make many drafts in one request.
  @Mutation(() => JourneyModel, { complexity: 100 })
  startJourney(@CurrentTenant() tenant: Tenant, @serviceId() service: string, @session() token: string, @Args('language', { type: () => LanguageCode }) language: LanguageCode) {
    return this.journeys.start(tenant, service, token, language);
  }

  @Mutation(() => AnswerOutcomeModel)
  answerPage(
    @CurrentTenant() tenant: Tenant,
    @serviceId() service: string,
    @session() token: string,
    @Args('pageId', { type: () => String }) pageId: string,
    @Args('values', { type: () => JSONScalar }) values: unknown,
    @Args('returnToCheck', { type: () => Boolean, defaultValue: false }) returnToCheck: boolean,
  ) {
    return this.journeys.answerPage(tenant, service, token, pageId, rawValues(values), returnToCheck);
  }

  @Mutation(() => AnswerOutcomeModel)
  answerRepeatItem(
    @CurrentTenant() tenant: Tenant,
    @serviceId() service: string,
    @session() token: string,
    @Args('pageId', { type: () => String }) pageId: string,
    @Args('index', { type: () => Int }) index: number,
    @Args('values', { type: () => JSONScalar }) values: unknown,
  ) {
    return this.journeys.answerRepeatItem(tenant, service, token, pageId, index, rawValues(values));
  }

  @Mutation(() => AnswerOutcomeModel)
  removeRepeatItem(@CurrentTenant() tenant: Tenant, @serviceId() service: string, @session() token: string, @Args('pageId', { type: () => String }) pageId: string, @Args('index', { type: () => Int }) index: number) {
    return this.journeys.removeRepeatItem(tenant, service, token, pageId, index);
  }

  @Mutation(() => AnswerOutcomeModel)
  finishRepeat(
    @CurrentTenant() tenant: Tenant,
    @serviceId() service: string,
    @session() token: string,
    @Args('pageId', { type: () => String }) pageId: string,
    @Args('returnToCheck', { type: () => Boolean, defaultValue: false }) returnToCheck: boolean,
  ) {
    return this.journeys.finishRepeat(tenant, service, token, pageId, returnToCheck);
  }

  @Mutation(() => SubmitOutcomeModel, { description: 'Sends the report. Sending the same draft again returns the same reference.' })
  submitReport(@CurrentTenant() tenant: Tenant, @serviceId() service: string, @session() token: string, @Args('values', { type: () => JSONScalar }) values: unknown, @Context('req') request: FastifyRequest) {
    return this.journeys.submit(tenant, service, token, rawValues(values), request.id);
  }

  @Mutation(() => SaveForLaterOutcomeModel)
  saveForLater(@CurrentTenant() tenant: Tenant, @serviceId() service: string, @session() token: string, @Args('email', { type: () => String, nullable: true }) email: string | null, @Context('req') request: FastifyRequest) {
    // The link points at this force's own site: the host the request came through when it is a plain
    // host name (what a browser sends), else the force's primary domain; never a caller-shaped address.
    const plainHost = /^[a-z0-9.-]+(:\d{1,5})?$/i.test(request.host) && (request.protocol === 'http' || request.protocol === 'https');
    const primary = tenant.domains?.find((domain) => domain.isPrimary)?.hostname;
    const origin = plainHost ? `${request.protocol}://${request.host}` : `https://${primary ?? request.hostname}`;
    return this.journeys.saveForLater(tenant, service, token, email ? email.slice(0, 320) : null, origin);
  }

  @Mutation(() => JourneyModel)
  resumeJourney(@CurrentTenant() tenant: Tenant, @Args('resumeToken', { type: () => String }) resumeToken: string, @session() token: string) {
    return this.journeys.resume(tenant, resumeToken, token);
  }
}
