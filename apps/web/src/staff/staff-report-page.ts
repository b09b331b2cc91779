import { formatReference } from '@front-counter/public-kit';
import { StaffApi, type StaffContext } from './staff-api.js';
import { decisionFields, thriveFields, type FieldError, type Values } from './staff-forms.js';
import { errorSummary, StaffPageController } from './staff-page-controller.js';
import { StaffPages } from './staff-pages.js';
import { fill, STAFF_TEXT as T } from './staff-texts.js';
import { answerRows, evidenceTable, isSupervisor, reportHref, reporterRows, reportSummaryRows, thriveSummary, timelineTable, whereRows, type OpeningReason } from './staff-view.js';

export interface ReportState {
  status?: number;
  errors?: FieldError[];
  values?: Values;
  form?: 'thrive' | 'decide';
}

/** A report's page, shared by reading a report and by its actions (which show it again with their errors). */
export abstract class StaffReportPageController extends StaffPageController {
  protected constructor(
    pages: StaffPages,
    protected readonly api: StaffApi,
  ) {
    super(pages);
  }

  /** "Why are you opening this report?", asked before a report is read (it is audited with the answer). */
  protected reasonPage(context: StaffContext, reference: string, problem?: { errors: FieldError[]; code?: string; details?: string }) {
    const errors = problem?.errors ?? [];
    const details = this.pages.renderPartial('govuk/input', {
      id: 'details',
      name: 'details',
      label: { text: T.reason.otherLabel },
      value: problem?.details ?? '',
      errorMessage: errors.find((error) => error.field === 'details'),
    });
    return this.html(
      this.pages.render(context.site, 'reason', {
        pageTitle: `${errors.length ? T.errorPrefix : ''}${T.reason.title}`,
        staff: this.header(context),
        errorSummary: errorSummary(errors),
        action: reportHref(reference),
        caption: fill(T.report.title, { reference: formatReference(reference) }),
        radios: {
          name: 'reason',
          idPrefix: 'reason',
          fieldset: { legend: { text: T.reason.title, isPageHeading: true, classes: 'govuk-fieldset__legend--l' } },
          hint: { text: T.reason.hint },
          value: problem?.code,
          errorMessage: errors.find((error) => error.field === 'reason'),
          items: [
            { value: 'triage', text: T.reason.triage },
            { value: 'reporter-contact', text: T.reason['reporter-contact'] },
            { value: 'supervisor-review', text: T.reason['supervisor-review'] },
            { value: 'other', text: T.reason.other, conditional: { html: details } },
          ],
        },
        button: { text: T.reason.button },
      }),
      errors.length ? 400 : 200,
    );
  }

  /** The report, read (and audited) with the reason it was opened for, with its actions. */
  protected async showReport(context: StaffContext, reference: string, reason: OpeningReason, state: ReportState = {}) {
    const { report, forces, evidence } = await this.api.report(context, reference, reason.audit);
    const errors = state.errors ?? [];
    const forceNames = new Map(forces.map((force) => [force.slug, force.name.en]));
    const supervisor = isSupervisor(context.session.roles);
    const base = reportHref(report.reference);
    const claim = report.claimedByMe
      ? { text: T.report.claimedByYou, release: true }
      : report.claimedByName
        ? { text: fill(T.report.claimedByOther, { name: report.claimedByName }), release: supervisor, takeOver: supervisor }
        : { text: T.report.unclaimed, claim: true };
    const thrive = report.thrive;
    const heading = fill(T.report.title, { reference: formatReference(report.reference) });
    return this.html(
      this.pages.render(context.site, 'report', {
        pageTitle: `${errors.length ? T.errorPrefix : ''}${heading}`,
        staff: this.header(context),
        banner: this.takeFlash(context),
        errorSummary: errorSummary(errors),
        caption: report.serviceTitle.en,
        heading,
        reasonFields: { reason: reason.code, details: reason.details },
        csrf: context.session.csrf,
        summaryRows: reportSummaryRows(report, forceNames),
        reporterRows: reporterRows(report),
        whereRows: whereRows(report),
        answerRows: answerRows(report.form, report.answers),
        duplicates: report.duplicates.map((duplicate) => ({
          href: reportHref(duplicate.otherReference, reason.query),
          reference: formatReference(duplicate.otherReference),
          reason: duplicate.reason,
          status: T.report.duplicateStatuses[duplicate.status] ?? duplicate.status,
          open: duplicate.status === 'possible',
          action: `${base}/duplicates/${duplicate.id}`,
          confirmHidden: fill(T.report.duplicates.confirmHidden, { reference: formatReference(duplicate.otherReference) }),
          dismissHidden: fill(T.report.duplicates.dismissHidden, { reference: formatReference(duplicate.otherReference) }),
        })),
        timeline: timelineTable(report),
        evidence: evidence.length ? evidenceTable(evidence) : null,
        auditHref: supervisor ? `${base}/audit?${reason.query}` : null,
        claim: { ...claim, action: `${base}/claim`, releaseAction: `${base}/release` },
        thriveRecorded: thrive ? thriveSummary(thrive) : null,
        canWork: report.claimedByMe,
        thriveForm: report.claimedByMe ? { action: `${base}/thrive`, parts: thriveFields(thrive, state.form === 'thrive' ? state.values : undefined, state.form === 'thrive' ? errors : []) } : null,
        decisionForm: report.claimedByMe
          ? {
              action: `${base}/decide`,
              ...decisionFields(
                this.pages.renderPartial,
                forces.map((force) => ({ slug: force.slug, name: force.name.en })),
                state.form === 'decide' ? state.values : undefined,
                state.form === 'decide' ? errors : [],
              ),
            }
          : null,
      }),
      state.status ?? 200,
    );
  }
}
