import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { TenantTransactions } from '@front-counter/database';
import { attachDraftFiles, draftFiles } from '@front-counter/evidence';
import {
  answersAlongPath,
  answersOnPath,
  FormCatalogue,
  isPageComplete,
  isRepeatAnswers,
  journeyPosition,
  nextPageId,
  raisedFlags,
  reporterDetails,
  reportLocation,
  vehicleRegistrations,
  validatePage,
  validateQuestions,
  fillText,
  DEFAULT_MESSAGES,
  type AnswerValue,
  type CompiledForm,
  type EvidenceFileAnswer,
  type FieldError,
  type FormAnswers,
  type FormVersion,
  type PageDefinition,
  type QuestionDefinition,
  type RawValues,
} from '@front-counter/forms';
import { enqueue, eventsInLastHour } from '@front-counter/outbox';
import { forceName, forceNotificationSettings, sendsTexts } from '@front-counter/tenancy';
import { Draft } from './draft.entity.js';
import { deleteExpiredDraftOf, deleteExpiredDrafts, draftByResumeLink, insertDraftOnce, liveDraft, liveDraftAlone, markDraftSent, saveDraftAnswersIfUnchanged, saveDraftAnswers, setResumeLink, takeOverDraft } from './drafts.repository.js';
import { withStoredFiles } from './draft-files.js';
import { ReportIntake } from './report-intake.js';
import { ReportLife } from './report-life.js';
import { insertReport, recordReportEvent, reportConfirmation } from './reports.repository.js';
import { Report } from './report.entity.js';
import { reporterReachable, textableNumber, wantsTexts } from './reporter-contact.js';
import { ReportsException } from './reports.exception.js';

/** What a change to a draft returns: the new answers, or errors; and where to go next. */
interface ChangeResult {
  answers?: FormAnswers;
  errors: FieldError[];
  next?: (form: CompiledForm, answers: FormAnswers) => string | null;
}

/** What a change answers when it was given no transaction and needs one (to read the draft's files). */
const NEEDS_TRANSACTION = Symbol('needs a transaction');

interface SentReport {
  reference: string;
  email: string | null;
  /** The mobile number the confirmation goes to by text message, when it goes by text. */
  textedTo: string | null;
  transferredTo: { en: string; cy?: string } | null;
}

export interface PublicTenantRef {
  id: string;
  services: string[];
}

/** Where a reporter is in a service, as the web needs it to render the next page. */
export interface Journey {
  serviceId: string;
  formVersionId: string;
  formVersion: number;
  language: 'en' | 'cy';
  current: string;
  path: string[];
  answers: FormAnswers;
  /** Set once sent: the reference to show on the confirmation page. */
  reference: string | null;
  /** Set once sent, when the report has an address: where the confirmation goes. */
  confirmationEmail: string | null;
  confirmationText: string | null;
  /** Set when the report was passed at once to the force whose area holds its location: that force's name. */
  transferredTo: { en: string; cy?: string } | null;
  expiresAt: Date;
}

export interface AnswerOutcome {
  journey: Journey;
  errors: FieldError[];
  /** Where to go after a successful answer. */
  nextPageId: string | null;
}

const SESSION_TOKEN = /^[A-Za-z0-9_-]{32,128}$/;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The public reporting journey: drafts kept server-side per session, answers validated again on the
 * server page by page, routing decided here, and submission as one transaction (report, audit event,
 * outbox events) that is idempotent per draft.
 */
@Injectable()
export class JourneysService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly catalogue: FormCatalogue,
    private readonly audit: AuditService,
    private readonly intake: ReportIntake,
    private readonly life: ReportLife,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private sessionHash(sessionToken: string): string {
    if (!SESSION_TOKEN.test(sessionToken)) throw ReportsException.invalidSession();
    return hash(sessionToken);
  }

  private expiry(): Date {
    return new Date(Date.now() + this.config.reports.draftTtlDays * 24 * 60 * 60 * 1000);
  }

  private async formFor(tenantId: string, draft: Draft): Promise<FormVersion> {
    const version = await this.catalogue.byId(tenantId, draft.formVersionId);
    if (!version) throw ReportsException.journeyNotFound();
    return version;
  }

  private toJourney(draft: Draft, version: FormVersion, sent: SentReport | null): Journey {
    const position = journeyPosition(version.form, draft.answers);
    return {
      serviceId: draft.serviceId,
      formVersionId: version.id,
      formVersion: version.version,
      language: draft.language,
      current: position.current,
      path: position.path,
      answers: draft.answers,
      reference: sent?.reference ?? null,
      confirmationEmail: sent?.email ?? null,
      confirmationText: sent?.textedTo ?? null,
      transferredTo: sent?.transferredTo ?? null,
      expiresAt: draft.expiresAt,
    };
  }

  private async sentReport(manager: EntityManager, draft: Draft): Promise<SentReport | null> {
    if (!draft.reportId) return null;
    if (draft.transferredTo) {
      // Passed to another force at submission: this force can no longer read it; the draft kept its reference.
      return { reference: draft.reportReference ?? '', email: null, textedTo: null, transferredTo: await forceName(manager, draft.transferredTo) };
    }
    const report = await reportConfirmation(manager, draft.reportId);
    if (!report) return null;
    const texted = wantsTexts(report) && sendsTexts((await forceNotificationSettings(manager, report.tenantId))?.notifications);
    return { reference: report.reference, email: texted ? null : report.reporterEmail, textedTo: texted ? textableNumber(report.reporterPhone) : null, transferredTo: null };
  }

  /**
   * For an upload: the session's live, unsent draft and its file question `questionId` on a page the
   * reporter has reached. Anything else is "journey not found" or "page not available".
   */
  async fileQuestion(tenant: PublicTenantRef, serviceId: string, sessionToken: string, questionId: string): Promise<{ draftId: string; question: Extract<QuestionDefinition, { type: 'file' }> }> {
    const sessionHash = this.sessionHash(sessionToken);
    return this.transactions.run(tenant.id, async (manager) => {
      const draft = await liveDraft(manager, serviceId, sessionHash);
      if (!draft || draft.reportId) throw ReportsException.journeyNotFound();
      const { form } = await this.formFor(tenant.id, draft);
      const page = form.pages.find((candidate) => candidate.type === 'question' && candidate.questions.some((question) => question.id === questionId && question.type === 'file'));
      if (!page) throw ReportsException.pageNotAvailable(questionId);
      this.pageOnPath(form, draft.answers, page.id);
      const question = (page as Extract<PageDefinition, { type: 'question' }>).questions.find((candidate) => candidate.id === questionId) as Extract<QuestionDefinition, { type: 'file' }>;
      return { draftId: draft.id, question };
    });
  }

  /** The session's live, unsent draft's id, or "journey not found". */
  async liveDraftId(tenant: PublicTenantRef, serviceId: string, sessionToken: string): Promise<string> {
    const sessionHash = this.sessionHash(sessionToken);
    return this.transactions.run(tenant.id, async (manager) => {
      const draft = await liveDraft(manager, serviceId, sessionHash);
      if (!draft || draft.reportId) throw ReportsException.journeyNotFound();
      return draft.id;
    });
  }

  /** The reporter's journey in a service, or null when there is none for this session. */
  async find(tenant: PublicTenantRef, serviceId: string, sessionToken: string): Promise<Journey | null> {
    const sessionHash = this.sessionHash(sessionToken);
    // One round trip for the draft. A sent one (the confirmation page) no longer changes, so only its
    // report is read, in a transaction.
    const draft = await liveDraftAlone(this.transactions, tenant.id, serviceId, sessionHash);
    if (!draft) return null;
    const version = await this.formFor(tenant.id, draft);
    if (!draft.reportId) return this.toJourney(draft, version, null);
    return this.transactions.run(tenant.id, async (manager) => this.toJourney(draft, version, await this.sentReport(manager, draft)));
  }

  /** Starts a journey on the service's current form version, or returns the one this session already has. */
  async start(tenant: PublicTenantRef & { languages: string[] }, serviceId: string, sessionToken: string, language: 'en' | 'cy'): Promise<Journey> {
    const sessionHash = this.sessionHash(sessionToken);
    if (!tenant.services.includes(serviceId)) throw ReportsException.serviceNotFound();
    const version = await this.catalogue.current(tenant.id, serviceId);
    if (!version) throw ReportsException.serviceNotFound();
    // A force that does not publish in Welsh never sends Welsh e-mail.
    const draftLanguage = tenant.languages.includes(language) ? language : 'en';
    return this.transactions.run(tenant.id, async (manager) => {
      const existing = await liveDraft(manager, serviceId, sessionHash);
      if (existing && !existing.reportId) return this.toJourney(existing, await this.formFor(tenant.id, existing), null);
      await deleteExpiredDraftOf(manager, serviceId, sessionHash);
      const draft = manager.create(Draft, { tenantId: tenant.id, serviceId, formVersionId: version.id, sessionHash, answers: {}, language: draftLanguage, updatedAt: new Date(), expiresAt: this.expiry() });
      // One unsent draft per session and service (a unique index): a second tab starting at once finds the first.
      const insertedId = await insertDraftOnce(manager, draft);
      if (!insertedId) {
        const winner = (await liveDraft(manager, serviceId, sessionHash))!;
        return this.toJourney(winner, await this.formFor(tenant.id, winner), null);
      }
      draft.id = insertedId;
      return this.toJourney(draft, version, null);
    });
  }

  /** Runs `change` on the session's draft under a row lock and saves what it returns. */
  private async change(
    tenant: PublicTenantRef,
    serviceId: string,
    sessionToken: string,
    change: (
      draft: Draft,
      form: CompiledForm,
      manager: EntityManager | null,
    ) => ChangeResult | typeof NEEDS_TRANSACTION | Promise<ChangeResult | typeof NEEDS_TRANSACTION>,
  ): Promise<AnswerOutcome> {
    const sessionHash = this.sessionHash(sessionToken);
    // First without a transaction: the draft read in one statement, and saved in another only if no
    // one changed it meanwhile. A change needing the transaction (files), or a draft changed meanwhile,
    // is done again below under the draft's lock.
    const unlocked = await liveDraftAlone(this.transactions, tenant.id, serviceId, sessionHash);
    if (!unlocked || unlocked.reportId) throw ReportsException.journeyNotFound();
    const unlockedVersion = await this.formFor(tenant.id, unlocked);
    const attempt = await change(unlocked, unlockedVersion.form, null);
    if (attempt !== NEEDS_TRANSACTION) {
      if (attempt.errors.length > 0 || !attempt.answers) return { journey: this.toJourney(unlocked, unlockedVersion, null), errors: attempt.errors, nextPageId: null };
      const fields = { answers: attempt.answers, updatedAt: new Date(), expiresAt: this.expiry() };
      if (await saveDraftAnswersIfUnchanged(this.transactions, tenant.id, unlocked, fields)) {
        Object.assign(unlocked, fields, { revision: unlocked.revision + 1 });
        return { journey: this.toJourney(unlocked, unlockedVersion, null), errors: [], nextPageId: attempt.next?.(unlockedVersion.form, unlocked.answers) ?? null };
      }
    }
    return this.transactions.run(tenant.id, async (manager) => {
      const draft = await liveDraft(manager, serviceId, sessionHash, { lock: true });
      if (!draft || draft.reportId) throw ReportsException.journeyNotFound();
      const version = await this.formFor(tenant.id, draft);
      const result = await change(draft, version.form, manager);
      if (result === NEEDS_TRANSACTION) throw new Error('a change asked for a transaction while it had one');
      if (result.errors.length > 0 || !result.answers) return { journey: this.toJourney(draft, version, null), errors: result.errors, nextPageId: null };
      draft.answers = result.answers;
      draft.updatedAt = new Date();
      draft.expiresAt = this.expiry();
      await saveDraftAnswers(manager, draft.id, { answers: draft.answers, updatedAt: draft.updatedAt, expiresAt: draft.expiresAt });
      return { journey: this.toJourney(draft, version, null), errors: [], nextPageId: result.next?.(version.form, draft.answers) ?? null };
    });
  }

  private pageOnPath(form: CompiledForm, answers: FormAnswers, pageId: string): PageDefinition {
    const page = form.pages.find((candidate) => candidate.id === pageId);
    if (!page || !journeyPosition(form, answers).path.includes(pageId)) throw ReportsException.pageNotAvailable(pageId);
    return page;
  }

  /** Answers one page. With `returnToCheck` (a change link), goes back to check your answers when nothing new is needed. */
  async answerPage(tenant: PublicTenantRef, serviceId: string, sessionToken: string, pageId: string, values: RawValues, returnToCheck: boolean): Promise<AnswerOutcome> {
    return this.change(tenant, serviceId, sessionToken, async (draft, form, manager) => {
      const page = this.pageOnPath(form, draft.answers, pageId);
      if (page.type === 'repeat' || page.type === 'declaration' || page.type === 'exit') throw ReportsException.pageNotAvailable(pageId);
      // A file question is answered by the files stored for it, whatever the browser sent.
      const stored = new Map<string, EvidenceFileAnswer[]>();
      let posted = values;
      for (const question of page.type === 'question' ? page.questions.filter((candidate) => candidate.type === 'file') : []) {
        if (!manager) return NEEDS_TRANSACTION;
        const files = await draftFiles(manager, draft.id, question.id);
        stored.set(question.id, files);
        posted = { ...posted, [question.id]: files.map((file) => file.id) };
      }
      const validation = validatePage(page, posted);
      if (!validation.ok) return { errors: validation.errors };
      const pageAnswers = { ...validation.answers } as Record<string, AnswerValue>;
      for (const [questionId, files] of stored) if (files.length > 0) pageAnswers[questionId] = files;
      const answers = { ...draft.answers, [pageId]: pageAnswers };
      return {
        answers,
        errors: [],
        next: (compiled, updated) => {
          const position = journeyPosition(compiled, updated);
          const checkPage = compiled.pages.find((candidate) => candidate.type === 'check-answers')!;
          if (returnToCheck && position.path.includes(checkPage.id) && updated[checkPage.id]) {
            // Back to the summary, unless the change opened a page still to answer.
            const unanswered = position.path.find((id) => {
              const candidate = compiled.pages.find((p) => p.id === id)!;
              return candidate.type !== 'check-answers' && candidate.type !== 'declaration' && !isPageComplete(candidate, updated);
            });
            return unanswered ?? checkPage.id;
          }
          return nextPageId(compiled, page, answersAlongPath(compiled, updated, page.id)) ?? position.current;
        },
      };
    });
  }

  /** Adds or replaces one item of an "add another" group. */
  async answerRepeatItem(tenant: PublicTenantRef, serviceId: string, sessionToken: string, pageId: string, index: number, values: RawValues): Promise<AnswerOutcome> {
    return this.change(tenant, serviceId, sessionToken, (draft, form) => {
      const page = this.pageOnPath(form, draft.answers, pageId);
      if (page.type !== 'repeat') throw ReportsException.pageNotAvailable(pageId);
      const current = draft.answers[pageId];
      const items = isRepeatAnswers(current) ? [...current.items] : [];
      if (!Number.isInteger(index) || index < 0 || index > items.length) throw ReportsException.invalidAnswer(`Item ${index + 1} cannot be added before item ${items.length + 1}.`);
      if (index === items.length && items.length >= page.max) {
        return { errors: [{ field: page.questions[0].id, questionId: page.questions[0].id, message: fillText(DEFAULT_MESSAGES.tooMany, { max: page.max }) }] };
      }
      const validation = validateQuestions(page.questions, values);
      if (!validation.ok) return { errors: validation.errors };
      items[index] = validation.answers;
      return { answers: { ...draft.answers, [pageId]: { items, done: false } }, errors: [], next: () => pageId };
    });
  }

  async removeRepeatItem(tenant: PublicTenantRef, serviceId: string, sessionToken: string, pageId: string, index: number): Promise<AnswerOutcome> {
    return this.change(tenant, serviceId, sessionToken, (draft, form) => {
      const page = this.pageOnPath(form, draft.answers, pageId);
      const current = draft.answers[pageId];
      if (page.type !== 'repeat' || !isRepeatAnswers(current) || !current.items[index]) throw ReportsException.pageNotAvailable(pageId);
      return { answers: { ...draft.answers, [pageId]: { items: current.items.filter((_, position) => position !== index), done: false } }, errors: [], next: () => pageId };
    });
  }

  /** "I have no more to add": the group is complete if it has at least its minimum. */
  async finishRepeat(tenant: PublicTenantRef, serviceId: string, sessionToken: string, pageId: string, returnToCheck: boolean): Promise<AnswerOutcome> {
    return this.change(tenant, serviceId, sessionToken, (draft, form) => {
      const page = this.pageOnPath(form, draft.answers, pageId);
      if (page.type !== 'repeat') throw ReportsException.pageNotAvailable(pageId);
      const current = draft.answers[pageId];
      const items = isRepeatAnswers(current) ? current.items : [];
      if (items.length < page.min) {
        const message = { en: fillText(DEFAULT_MESSAGES.tooFew, { min: page.min, item: page.itemName.en }).en, cy: fillText(DEFAULT_MESSAGES.tooFew, { min: page.min, item: page.itemName.cy }).cy };
        return { errors: [{ field: `add-${page.id}`, questionId: page.id, message }] };
      }
      const answers = { ...draft.answers, [pageId]: { items, done: true } };
      return {
        answers,
        errors: [],
        next: (compiled, updated) => {
          const checkPage = compiled.pages.find((candidate) => candidate.type === 'check-answers')!;
          if (returnToCheck && updated[checkPage.id]) return checkPage.id;
          return nextPageId(compiled, page, answersAlongPath(compiled, updated, page.id)) ?? journeyPosition(compiled, updated).current;
        },
      };
    });
  }

  /**
   * Sends the report: one transaction stores it (answers on the path taken, validated; the form
   * version; flags; the reporter's contact details), an audit event and outbox events. Sending the
   * same draft again (a double click, a retry) returns the same reference and stores nothing new.
   */
  async submit(tenant: PublicTenantRef, serviceId: string, sessionToken: string, values: RawValues, requestId?: string): Promise<{ reference: string | null; errors: FieldError[] }> {
    const sessionHash = this.sessionHash(sessionToken);
    return this.transactions.run(tenant.id, async (manager) => {
      const draft = await liveDraft(manager, serviceId, sessionHash, { lock: true });
      if (!draft) throw ReportsException.journeyNotFound();
      const already = await this.sentReport(manager, draft);
      if (already) return { reference: already.reference, errors: [] };
      const version = await this.formFor(tenant.id, draft);
      const form = version.form;
      const position = journeyPosition(form, draft.answers);
      const declaration = form.pages.find((page) => page.type === 'declaration')!;
      if (position.current !== declaration.id) throw ReportsException.notReadyToSubmit();
      const validation = validatePage(declaration, values);
      if (!validation.ok) return { reference: null, errors: validation.errors };

      const { answers, fileIds } = await withStoredFiles(manager, form, draft.id, answersOnPath(form, draft.answers));
      const contact = reporterDetails(form, answers);
      const report = await insertReport(manager, (reference) =>
        manager.create(Report, {
          tenantId: tenant.id,
          reference,
          serviceId,
          formVersionId: version.id,
          draftId: draft.id,
          answers,
          flags: raisedFlags(form, answers),
          reporterName: contact.name ?? null,
          reporterEmail: contact.email ?? null,
          reporterPhone: contact.phone ?? null,
          reporterContactBy: contact.contactBy ?? null,
          language: draft.language,
          location: reportLocation(form, answers),
          vehicleRegistrations: vehicleRegistrations(form, answers),
          // Placeholders until the routing below decides (in this same transaction).
          queue: 'general',
          priority: 3,
          triageBy: new Date(),
          replyBy: new Date(),
        }),
      );
      const reference = report.reference;
      // The files on the path go with the report; any left behind (a branch the reporter left) are deleted with the draft.
      const sentFiles = await attachDraftFiles(manager, draft.id, report.id, fileIds);
      // The draft keeps only the link to its report (for the confirmation page) for a day: no copy of the answers,
      // and none of a branch the reporter left, outlives the submission.
      await markDraftSent(manager, draft.id, report, new Date(Date.now() + 24 * 60 * 60 * 1000));
      await this.audit.record(manager, {
        tenantId: tenant.id,
        actorType: 'public',
        action: 'report.submitted',
        subjectType: 'report',
        subjectId: report.id,
        details: { reference, serviceId, formVersionId: version.id, formVersion: version.version },
        requestId,
      });
      await enqueue(manager, tenant.id, 'report.submitted', { reportId: report.id, reference, serviceId });
      if (reporterReachable(report)) await enqueue(manager, tenant.id, 'email.report-confirmation', { reportId: report.id });
      await recordReportEvent(manager, { tenantId: tenant.id, reportId: report.id, kind: 'submitted', actorType: 'public', details: { formVersion: version.version } });
      // A file the worker gave up on while it was on the draft: the report's timeline says so from the start.
      for (const file of sentFiles.filter((candidate) => candidate.scanStatus === 'unprocessable')) {
        await this.life.fileNotProcessed(manager, { tenantId: tenant.id, reportId: report.id, fileId: file.id, name: file.name });
      }
      // Routing last: a transfer moves the report, its timeline and its unsent e-mails to the receiving force.
      await this.intake.place(manager, tenant.id, report, requestId);
      return { reference, errors: [] };
    });
  }

  /**
   * "Save and come back later": a one-off link token (only its hash is kept) that resumes the draft
   * until it expires; e-mailed when an address is given.
   */
  async saveForLater(tenant: PublicTenantRef, serviceId: string, sessionToken: string, email: string | null, origin: string): Promise<{ resumeUrl: string; expiresAt: Date; emailed: boolean; errors: FieldError[] }> {
    if (!/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin)) throw new Error('saveForLater needs the force site origin, like https://report.force.example');
    const sessionHash = this.sessionHash(sessionToken);
    let address: string | undefined;
    if (email) {
      const validation = validateQuestions([{ id: 'email', type: 'email', label: { en: 'Email address', cy: 'Cyfeiriad e-bost' }, required: true, mandatory: false, errors: {} }], { email });
      if (!validation.ok) return { resumeUrl: '', expiresAt: new Date(), emailed: false, errors: validation.errors };
      address = validation.answers.email as string;
    }
    const token = randomBytes(32).toString('base64url');
    const resumeUrl = `${origin}/resume/${token}`;
    return this.transactions.run(tenant.id, async (manager) => {
      const draft = await liveDraft(manager, serviceId, sessionHash, { lock: true });
      if (!draft || draft.reportId) throw ReportsException.journeyNotFound();
      const expiresAt = this.expiry();
      await setResumeLink(manager, draft.id, hash(token), expiresAt);
      // At most three links by e-mail per draft an hour: the site cannot be used to flood an inbox.
      const recent = await eventsInLastHour(manager, 'email.resume-link', { field: 'draftId', value: draft.id });
      const emailed = Boolean(address) && recent < 3;
      if (emailed) await enqueue(manager, tenant.id, 'email.resume-link', { draftId: draft.id, email: address!, resumeUrl, language: draft.language });
      return { resumeUrl, expiresAt, emailed, errors: [] };
    });
  }

  /** Opens a saved draft from its link in this session (the link keeps working until the draft expires). */
  async resume(tenant: PublicTenantRef, resumeToken: string, sessionToken: string): Promise<Journey> {
    const sessionHash = this.sessionHash(sessionToken);
    if (!SESSION_TOKEN.test(resumeToken)) throw ReportsException.resumeLinkInvalid();
    return this.transactions.run(tenant.id, async (manager) => {
      const draft = await draftByResumeLink(manager, hash(resumeToken));
      if (!draft) throw ReportsException.resumeLinkInvalid();
      // The link works once: whoever opens it takes the draft, and a copy of the link cannot take it back.
      // This session's own unsent draft of the same service gives way to the saved one.
      await takeOverDraft(manager, draft, sessionHash);
      draft.sessionHash = sessionHash;
      return this.toJourney(draft, await this.formFor(tenant.id, draft), null);
    });
  }

  /** Deletes drafts past their expiry, force by force; returns how many. */
  async deleteExpired(tenantIds: string[]): Promise<number> {
    let deleted = 0;
    for (const tenantId of tenantIds) {
      deleted += await this.transactions.run(tenantId, (manager) => deleteExpiredDrafts(manager));
    }
    return deleted;
  }
}
