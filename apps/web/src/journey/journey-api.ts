import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { TimedCache } from '@front-counter/caching';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import type { FastifyRequest } from 'fastify';
import type { CompiledForm, FieldError } from '@front-counter/forms';
import type { Journey as ApiJourney } from '@front-counter/reports';
import { onwardHeaders } from '@front-counter/logging';
import { ApiClient } from '../api-client.js';

/** A file the reporter has sent with a journey. */
export interface JourneyFile {
  id: string;
  questionId: string;
  name: string;
  sizeBytes: number;
  kind: string;
  /** The worker could not process it (damaged, or not what it claims): the reporter should remove it and try another. */
  unprocessable?: boolean;
}

/** Why the api refused a file, in both languages. */
export interface FileRefusal {
  code: string;
  message: { en: string; cy: string };
}

/** The api's Journey as it arrives over JSON (dates as strings). */
export type Journey = Omit<ApiJourney, 'expiresAt'> & { expiresAt: string };

export interface PublicService {
  id: string;
  title: { en: string; cy: string };
  summary: { en: string; cy: string };
  startPage: { en: string; cy: string }[];
  formVersionId: string;
}

const JOURNEY = 'serviceId formVersionId formVersion language current path answers reference confirmationEmail transferredTo { en cy } expiresAt';
const OUTCOME = `journey { ${JOURNEY} } errors { field questionId message { en cy } } nextPageId`;

type Values = Record<string, string | string[]>;

/** The journey operations of the api, for the request's force (its Host is passed on). */
@Injectable()
export class JourneyApi {
  /** Form versions are immutable: each is fetched once per process. */
  private readonly forms = new Map<string, CompiledForm>();
  /** A force's service list changes only when a form is published: kept as briefly as the force itself (TENANT_CACHE_SECONDS). */
  private readonly servicesByHost: TimedCache<string, Promise<PublicService[]>>;

  constructor(
    private readonly api: ApiClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.servicesByHost = new TimedCache({ ttlMs: config.web.tenantCacheSeconds * 1000, maxEntries: 10_000 });
  }

  private call<T>(request: FastifyRequest, query: string, variables: Record<string, unknown>): Promise<T> {
    return this.api.query<T>(query, variables, { host: request.headers.host ?? '', requestId: request.id, protocol: request.protocol });
  }

  services(request: FastifyRequest): Promise<PublicService[]> {
    return this.servicesByHost.getOrLoad(request.headers.host ?? '', () => this.loadServices(request));
  }

  private async loadServices(request: FastifyRequest): Promise<PublicService[]> {
    const { services } = await this.call<{ services: PublicService[] }>(request, 'query Services { services { id title { en cy } summary { en cy } startPage { en cy } formVersionId } }', {});
    return services;
  }

  async form(request: FastifyRequest, formVersionId: string): Promise<CompiledForm> {
    let form = this.forms.get(formVersionId);
    if (!form) {
      form = (await this.call<{ formVersion: CompiledForm }>(request, 'query Form($id: String!) { formVersion(id: $id) }', { id: formVersionId })).formVersion;
      if (this.forms.size > 1000) this.forms.clear();
      this.forms.set(formVersionId, form);
    }
    return form;
  }

  async journey(request: FastifyRequest, serviceId: string, session: string): Promise<Journey | null> {
    return (await this.call<{ journey: Journey | null }>(request, `query Journey($serviceId: String!, $session: String!) { journey(serviceId: $serviceId, session: $session) { ${JOURNEY} } }`, { serviceId, session })).journey;
  }

  async start(request: FastifyRequest, serviceId: string, session: string, language: 'en' | 'cy'): Promise<Journey> {
    return (
      await this.call<{ startJourney: Journey }>(request, `mutation Start($serviceId: String!, $session: String!, $language: Language!) { startJourney(serviceId: $serviceId, session: $session, language: $language) { ${JOURNEY} } }`, {
        serviceId,
        session,
        language,
      })
    ).startJourney;
  }

  async answerPage(request: FastifyRequest, serviceId: string, session: string, pageId: string, values: Values, returnToCheck: boolean) {
    return (
      await this.call<{ answerPage: { journey: Journey; errors: FieldError[]; nextPageId: string | null } }>(
        request,
        `mutation Answer($serviceId: String!, $session: String!, $pageId: String!, $values: JSON!, $returnToCheck: Boolean!) { answerPage(serviceId: $serviceId, session: $session, pageId: $pageId, values: $values, returnToCheck: $returnToCheck) { ${OUTCOME} } }`,
        { serviceId, session, pageId, values, returnToCheck },
      )
    ).answerPage;
  }

  async answerRepeatItem(request: FastifyRequest, serviceId: string, session: string, pageId: string, index: number, values: Values) {
    return (
      await this.call<{ answerRepeatItem: { journey: Journey; errors: FieldError[]; nextPageId: string | null } }>(
        request,
        `mutation Item($serviceId: String!, $session: String!, $pageId: String!, $index: Int!, $values: JSON!) { answerRepeatItem(serviceId: $serviceId, session: $session, pageId: $pageId, index: $index, values: $values) { ${OUTCOME} } }`,
        { serviceId, session, pageId, index, values },
      )
    ).answerRepeatItem;
  }

  async removeRepeatItem(request: FastifyRequest, serviceId: string, session: string, pageId: string, index: number) {
    return (
      await this.call<{ removeRepeatItem: { journey: Journey } }>(
        request,
        `mutation Remove($serviceId: String!, $session: String!, $pageId: String!, $index: Int!) { removeRepeatItem(serviceId: $serviceId, session: $session, pageId: $pageId, index: $index) { ${OUTCOME} } }`,
        { serviceId, session, pageId, index },
      )
    ).removeRepeatItem;
  }

  async finishRepeat(request: FastifyRequest, serviceId: string, session: string, pageId: string, returnToCheck: boolean) {
    return (
      await this.call<{ finishRepeat: { journey: Journey; errors: FieldError[]; nextPageId: string | null } }>(
        request,
        `mutation Finish($serviceId: String!, $session: String!, $pageId: String!, $returnToCheck: Boolean!) { finishRepeat(serviceId: $serviceId, session: $session, pageId: $pageId, returnToCheck: $returnToCheck) { ${OUTCOME} } }`,
        { serviceId, session, pageId, returnToCheck },
      )
    ).finishRepeat;
  }

  async submit(request: FastifyRequest, serviceId: string, session: string, values: Values) {
    return (
      await this.call<{ submitReport: { reference: string | null; errors: FieldError[] } }>(
        request,
        `mutation Submit($serviceId: String!, $session: String!, $values: JSON!) { submitReport(serviceId: $serviceId, session: $session, values: $values) { reference errors { field questionId message { en cy } } } }`,
        { serviceId, session, values },
      )
    ).submitReport;
  }

  async saveForLater(request: FastifyRequest, serviceId: string, session: string, email: string | null) {
    return (
      await this.call<{ saveForLater: { resumeUrl: string; expiresAt: string; emailed: boolean; errors: FieldError[] } }>(
        request,
        `mutation Save($serviceId: String!, $session: String!, $email: String) { saveForLater(serviceId: $serviceId, session: $session, email: $email) { resumeUrl expiresAt emailed errors { field questionId message { en cy } } } }`,
        { serviceId, session, email },
      )
    ).saveForLater;
  }

  async resume(request: FastifyRequest, resumeToken: string, session: string): Promise<Journey> {
    return (await this.call<{ resumeJourney: Journey }>(request, `mutation Resume($resumeToken: String!, $session: String!) { resumeJourney(resumeToken: $resumeToken, session: $session) { ${JOURNEY} } }`, { resumeToken, session })).resumeJourney;
  }

  // Files go over plain HTTP to the api's evidence routes: a stream is no GraphQL variable.

  private evidenceHeaders(request: FastifyRequest, session: string): Record<string, string> {
    return { 'x-forwarded-host': request.headers.host ?? '', 'x-forwarded-proto': request.protocol, ...onwardHeaders(request.id), 'x-journey-session': session };
  }

  /** Streams one file to the api as it arrives from the browser (see ApiClient.upload); a refusal comes back in both languages. */
  async uploadFile(request: FastifyRequest, serviceId: string, session: string, questionId: string, fileName: string, file: Readable): Promise<{ file: JourneyFile } | { error: FileRefusal }> {
    const { status, body } = await this.api.upload<{ file?: JourneyFile; error?: FileRefusal }>(
      `/evidence/journeys/${encodeURIComponent(serviceId)}/${encodeURIComponent(questionId)}`,
      { ...this.evidenceHeaders(request, session), 'x-file-name': encodeURIComponent(fileName) },
      file,
    );
    if (body.file) return { file: body.file };
    if (body.error && status < 500) return { error: body.error };
    throw new Error(`api: evidence upload answered HTTP ${status}`);
  }

  async files(request: FastifyRequest, serviceId: string, session: string): Promise<JourneyFile[]> {
    const response = await fetch(`${this.config.api.url}/evidence/journeys/${encodeURIComponent(serviceId)}`, { headers: this.evidenceHeaders(request, session), signal: AbortSignal.timeout(10_000) });
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`api: evidence list answered HTTP ${response.status}`);
    return ((await response.json()) as { files: JourneyFile[] }).files;
  }

  async removeFile(request: FastifyRequest, serviceId: string, session: string, fileId: string): Promise<boolean> {
    const response = await fetch(`${this.config.api.url}/evidence/journeys/${encodeURIComponent(serviceId)}/files/${encodeURIComponent(fileId)}`, { method: 'DELETE', headers: this.evidenceHeaders(request, session), signal: AbortSignal.timeout(10_000) });
    return response.status === 204;
  }
}
