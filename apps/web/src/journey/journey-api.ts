import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { TimedCache } from '@front-counter/caching';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import type { FastifyRequest } from 'fastify';
import type { CompiledForm, FieldError, FormAnswers } from '@front-counter/forms';
import { onwardHeaders } from '@front-counter/logging';
import type { JourneyWireCall, JourneyWireCalls, WireJourney } from '@front-counter/public-kit';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ApiClient } from '../api-client.js';
import {
  FinishDocument,
  FormDocument,
  ItemDocument,
  RemoveDocument,
  ResumeDocument,
  SaveDocument,
  ServicesDocument,
  type JourneyOutcomeFragment,
  type JourneyStateFragment,
  type ServicesQuery,
} from '../graphql/operations.generated.js';

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

/**
 * The api's Journey. The schema carries answers as JSON and the language as a string: they are the
 * form engine's answers and one of the site's languages.
 */
export type Journey = Omit<JourneyStateFragment, 'answers' | 'language'> & { answers: FormAnswers; language: 'en' | 'cy' };

export type PublicService = ServicesQuery['services'][number];

/** An answer's outcome: the form engine writes every field error in both languages. */
export interface AnswerOutcome {
  journey: Journey;
  errors: FieldError[];
  nextPageId: string | null;
}

// The wire's journey is the GraphQL fragment's, field for field: the compiler checks it both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const wireJourneyIsTheFragment: Same<WireJourney, JourneyStateFragment> = true;
void wireJourneyIsTheFragment;

const journeyOf = (journey: JourneyStateFragment) => journey as Journey;
const outcomeOf = (outcome: JourneyOutcomeFragment) => outcome as AnswerOutcome;
const fieldErrorsOf = <Outcome extends { errors: JourneyOutcomeFragment['errors'] }>(outcome: Outcome) => outcome as Omit<Outcome, 'errors'> & { errors: FieldError[] };

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

  private call<Result, Variables>(request: FastifyRequest, document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
    return this.api.query(document, variables, { host: request.headers.host ?? '', requestId: request.id, protocol: request.protocol });
  }

  services(request: FastifyRequest): Promise<PublicService[]> {
    return this.servicesByHost.getOrLoad(request.headers.host ?? '', () => this.loadServices(request));
  }

  private async loadServices(request: FastifyRequest): Promise<PublicService[]> {
    const { services } = await this.call(request, ServicesDocument, {});
    return services;
  }

  async form(request: FastifyRequest, formVersionId: string): Promise<CompiledForm> {
    let form = this.forms.get(formVersionId);
    if (!form) {
      // JSON in the schema: a form version as the form engine compiled it.
      const found = (await this.call(request, FormDocument, { id: formVersionId })).formVersion as CompiledForm | null;
      if (!found) throw new Error(`api: no form version ${formVersionId} for this force`);
      form = found;
      if (this.forms.size > 1000) this.forms.clear();
      this.forms.set(formVersionId, form);
    }
    return form;
  }

  /** The web's hot calls go over the journey wire (ApiClient.journeyCall), every other over GraphQL. */
  private wire<Call extends JourneyWireCall>(request: FastifyRequest, call: Call, variables: JourneyWireCalls[Call]['variables']): Promise<JourneyWireCalls[Call]['data']> {
    return this.api.journeyCall(call, variables, { host: request.headers.host ?? '', requestId: request.id, protocol: request.protocol });
  }

  async journey(request: FastifyRequest, serviceId: string, session: string): Promise<Journey | null> {
    const { journey } = await this.wire(request, 'journey', { serviceId, session });
    return journey && journeyOf(journey);
  }

  async start(request: FastifyRequest, serviceId: string, session: string, language: 'en' | 'cy'): Promise<Journey> {
    return journeyOf((await this.wire(request, 'startJourney', { serviceId, session, language })).startJourney);
  }

  async answerPage(request: FastifyRequest, serviceId: string, session: string, pageId: string, values: Values, returnToCheck: boolean): Promise<AnswerOutcome> {
    return outcomeOf((await this.wire(request, 'answerPage', { serviceId, session, pageId, values, returnToCheck })).answerPage);
  }

  async answerRepeatItem(request: FastifyRequest, serviceId: string, session: string, pageId: string, index: number, values: Values): Promise<AnswerOutcome> {
    return outcomeOf((await this.call(request, ItemDocument, { serviceId, session, pageId, index, values })).answerRepeatItem);
  }

  async removeRepeatItem(request: FastifyRequest, serviceId: string, session: string, pageId: string, index: number): Promise<AnswerOutcome> {
    return outcomeOf((await this.call(request, RemoveDocument, { serviceId, session, pageId, index })).removeRepeatItem);
  }

  async finishRepeat(request: FastifyRequest, serviceId: string, session: string, pageId: string, returnToCheck: boolean): Promise<AnswerOutcome> {
    return outcomeOf((await this.call(request, FinishDocument, { serviceId, session, pageId, returnToCheck })).finishRepeat);
  }

  async submit(request: FastifyRequest, serviceId: string, session: string, values: Values) {
    return fieldErrorsOf((await this.wire(request, 'submitReport', { serviceId, session, values })).submitReport);
  }

  async saveForLater(request: FastifyRequest, serviceId: string, session: string, email: string | null) {
    return fieldErrorsOf((await this.call(request, SaveDocument, { serviceId, session, email })).saveForLater);
  }

  async resume(request: FastifyRequest, resumeToken: string, session: string): Promise<Journey> {
    return journeyOf((await this.call(request, ResumeDocument, { resumeToken, session })).resumeJourney);
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
