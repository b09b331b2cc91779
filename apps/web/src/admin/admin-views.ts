import type { FastifyRequest } from 'fastify';
import type { CompiledForm, PageDefinition } from '@front-counter/forms';
import { local, pageView } from '../journey/journey-view.js';
import type { PageRenderer, RequestSite } from '../pages/page-renderer.js';
import { showValue } from './admin-forms.js';
import type { FormChange } from './admin-api.js';
import { ADMIN_TEXT as T } from './admin-texts.js';
import { formatDateTime } from '../staff/staff-view.js';

export const SERVICE = /^[a-z][a-z0-9-]{1,60}$/;

/** One page of a form in the public layout (nothing is answered: Continue goes on to `next`). */
export function renderFormPage(publicPages: PageRenderer, site: RequestSite, request: FastifyRequest, form: CompiledForm, page: PageDefinition, next: { action: string; page?: string }): string {
  const view = pageView(publicPages.engine, form, page, { answers: {}, path: [page.id], errors: [], language: site.language, serviceUrl: '#' });
  return publicPages.render(site, request, `journey/${view.kind}`, {
    pageTitle: `${view.heading} – ${local(form.title, site.language)}`,
    view,
    serviceTitle: local(form.title, site.language),
    formAction: next.action,
    formMethod: 'get',
    hiddenFields: next.page ? [{ name: 'page', value: next.page }] : [],
    csrf: '',
    continueButton: { text: 'Continue', preventDoubleClick: true },
  });
}

export function changesTable(changes: FormChange[], what: string, before: string, after: string) {
  return {
    head: [{ text: what }, { text: before }, { text: after }],
    rows: changes.map((change) => [{ text: change.path }, { text: showValue(change.before, T.diff.nothing) }, { text: showValue(change.after, T.diff.nothing) }]),
  };
}

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);
}

/** A row of a version history (form versions, routing rules), newest first: the first is the one in use. */
export function versionRow(version: { version: number; publishedAt: string; publishedBy: string; note: string | null }, index: number, rollBackAction: string) {
  return {
    version: version.version,
    published: formatDateTime(version.publishedAt),
    by: version.publishedBy,
    note: version.note ?? '',
    current: index === 0,
    rollBackAction: index === 0 ? null : rollBackAction,
  };
}
