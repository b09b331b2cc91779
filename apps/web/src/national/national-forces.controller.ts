import path from 'node:path';
import { Controller, Get, Inject, Param, Post } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { forceFromTemplate } from '@front-counter/public-kit';
import { CurrentSession } from '../sessions/session.interceptor.js';
import type { StaffContext } from '../staff/staff-api.js';
import { formValues, type FieldError } from '../staff/staff-forms.js';
import { StaffPages } from '../staff/staff-pages.js';
import { fill } from '../staff/staff-texts.js';
import { NationalApi } from './national-api.js';
import { NationalAction, NationalPage, NationalPageController, SLUG } from './national-page-controller.js';
import { NATIONAL_TEXT as T } from './national-texts.js';

const ONBOARD_FIELDS = ['slug', 'name', 'domains', 'realm', 'issuer', 'brandColour', 'step'];

/**
 * The national programme team's forces (on the national host): every force with its figures,
 * suspending and reinstating one, and onboarding a new force from the template (checked, then made).
 */
@Controller('national')
export class NationalForcesController extends NationalPageController {
  constructor(
    pages: StaffPages,
    private readonly national: NationalApi,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(pages);
  }

  @Get()
  @NationalPage()
  async forces(@CurrentSession() context: StaffContext) {
    const { forces, figures } = await this.national.overview(context, 30);
    const bySlug = new Map(figures.map((entry) => [entry.slug, entry.figures]));
    const share = (value: number | null) => (value === null ? T.none : `${Math.round(value * 1000) / 10}%`);
    return this.show(context, 'forces', T.title, {
      heading: T.title,
      lead: T.lead,
      links: [
        { href: '/national/onboard', text: T.onboardLink },
        { href: '/national/services', text: T.servicesLink },
      ],
      csrf: context.session.csrf,
      national: T,
      forces: forces.map((force) => {
        const numbers = bySlug.get(force.slug);
        return {
          slug: force.slug,
          name: force.name.en,
          suspended: force.status === 'suspended',
          status: force.status === 'suspended' ? T.suspended : T.active,
          domain: force.domains[0] ?? '',
          reports: numbers?.reports ?? 0,
          triaged: share(numbers?.triagedWithinTargetShare ?? null),
          replied: share(numbers?.repliedWithin48HoursShare ?? null),
          breaches: (numbers?.triageBreaches ?? 0) + (numbers?.replyBreaches ?? 0),
          action: `/national/forces/${force.slug}/${force.status === 'suspended' ? 'reinstate' : 'suspend'}`,
        };
      }),
    });
  }

  @Post('forces/:slug/:change')
  @NationalAction()
  async setStatus(@Param('slug') slug: string, @Param('change') change: string, @CurrentSession() context: StaffContext) {
    const { request } = context;
    if (!SLUG.test(slug) || (change !== 'suspend' && change !== 'reinstate')) return this.notFound(context);
    const reason = formValues(request.body, ['reason']).reason.trim();
    if (change === 'suspend' && !reason) {
      this.flash(context, T.reasonRequired);
      return this.redirect('/national');
    }
    await this.national.setStatus(context, slug, change === 'suspend', reason);
    this.flash(context, fill(change === 'suspend' ? T.suspendedBanner : T.reinstatedBanner, { force: slug }));
    return this.redirect('/national');
  }

  @Get('onboard')
  @NationalPage()
  async onboardForm(@CurrentSession() context: StaffContext) {
    return this.showOnboard(context, await this.serviceIds(context), { services: ['report-a-crime', 'contact-us'] }, []);
  }

  @Post('onboard')
  @NationalAction()
  async onboard(@CurrentSession() context: StaffContext) {
    const { request } = context;
    const values = formValues(request.body, ONBOARD_FIELDS);
    const body = request.body as Record<string, unknown>;
    const known = await this.serviceIds(context);
    const services = [body.services ?? []].flat().filter((service): service is string => typeof service === 'string' && known.includes(service));
    const errors: FieldError[] = [];
    for (const [field, label] of [['slug', 'short name'], ['name', 'name'], ['domains', 'domains']] as const) if (!values[field].trim()) errors.push({ field, text: fill(T.required, { field: label }) });
    if (errors.length) return this.showOnboard(context, known, { ...values, services }, errors, undefined, 400);
    const domains = values.domains.split(/\s+/).filter(Boolean);
    const made = forceFromTemplate(path.join(this.config.tenants.directory, '_template'), {
      slug: values.slug.trim(),
      name: values.name.trim(),
      domains,
      realm: values.realm.trim() || undefined,
      issuer: values.issuer.trim() || undefined,
      brandColour: values.brandColour.trim() || undefined,
      services,
    });
    const create = values.step === 'create';
    const outcome = await this.national.onboard(context, made.force, made.routing, made.logoSvg, !create);
    if (outcome.problems.length) {
      const fields: Record<string, string> = { 'force.slug': 'slug', 'force.name.en': 'name', 'force.branding.brandColour': 'brandColour', 'force.identity.realm': 'realm', 'force.identity.issuer': 'issuer' };
      const problems = outcome.problems.map((problem) => ({
        field: fields[problem.field] ?? (problem.field.startsWith('force.domains') ? 'domains' : problem.field.startsWith('force.services') ? 'services' : 'slug'),
        text: `${problem.field.replace(/^force\./, '')}: ${problem.message}`,
      }));
      return this.showOnboard(context, known, { ...values, services }, problems, undefined, 400);
    }
    const url = `${request.protocol}://${outcome.primaryDomain}${portOf(request)}/`;
    if (outcome.unchanged || create) {
      this.flash(context, fill(outcome.unchanged ? T.unchanged : T.created, { force: values.name.trim(), url }));
      return this.redirect('/national');
    }
    return this.showOnboard(context, known, { ...values, services }, [], outcome.actions);
  }

  private async serviceIds(context: StaffContext): Promise<string[]> {
    return (await this.national.services(context)).map((service) => service.id);
  }

  private showOnboard(context: StaffContext, serviceIds: string[], values: Record<string, string | string[]>, errors: FieldError[], actions?: string[], status = 200) {
    const render = this.pages.renderPartial;
    const error = (field: string) => {
      const found = errors.filter((candidate) => candidate.field === field);
      return found.length ? { text: found.map((candidate) => candidate.text).join('. ') } : undefined;
    };
    const input = (id: string, label: string, classes?: string) => render('govuk/input', { id, name: id, label: { text: label }, value: values[id] ?? '', classes, spellcheck: false, errorMessage: error(id) });
    const chosen = (values.services as string[] | undefined) ?? [];
    return this.show(
      context,
      'onboard',
      T.onboardTitle,
      {
        heading: T.onboardTitle,
        lead: T.onboardLead,
        errors,
        csrf: context.session.csrf,
        national: T,
        fields: [
          input('slug', T.slugLabel, 'govuk-input--width-20'),
          input('name', T.nameLabel),
          render('govuk/textarea', { id: 'domains', name: 'domains', label: { text: T.domainsLabel }, value: values.domains ?? '', rows: 2, spellcheck: false, errorMessage: error('domains') }),
          input('realm', T.realmLabel, 'govuk-input--width-20'),
          input('issuer', T.issuerLabel),
          input('brandColour', T.brandLabel, 'govuk-input--width-10'),
          render('govuk/checkboxes', {
            name: 'services',
            idPrefix: 'services',
            classes: 'govuk-checkboxes--small',
            fieldset: { legend: { text: T.servicesLegend, classes: 'govuk-fieldset__legend--s' } },
            values: chosen,
            errorMessage: error('services'),
            items: serviceIds.map((service) => ({ value: service, text: service })),
          }),
        ].join(''),
        actions: actions ?? null,
        hidden: actions ? [...ONBOARD_FIELDS.filter((field) => field !== 'step').map((field) => ({ name: field, value: values[field] ?? '' })), ...chosen.map((service) => ({ name: 'services', value: service }))] : [],
      },
      status,
    );
  }
}

function portOf(request: FastifyRequest): string {
  const host = request.headers.host ?? '';
  const match = /:(\d+)$/.exec(host);
  return match ? `:${match[1]}` : '';
}
