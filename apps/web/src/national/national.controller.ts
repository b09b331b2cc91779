import path from 'node:path';
import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseYaml, stringify as toYaml, YAMLParseError } from 'yaml';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import type { Logger } from '@front-counter/logging';
import { forceFromTemplate } from '@front-counter/public-kit';
import type { RequestSite } from '../pages/page-renderer.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import type { StaffContext } from '../staff/staff-api.js';
import { StaffCookies } from '../staff/staff-cookies.js';
import { formValues, type FieldError } from '../staff/staff-forms.js';
import { errorSummary, StaffPageController } from '../staff/staff-page-controller.js';
import { StaffPages } from '../staff/staff-pages.js';
import { STAFF_LOGGER } from '../staff/staff-providers.js';
import { fill } from '../staff/staff-texts.js';
import { problemLines } from '../admin/admin-forms.js';
import { NationalApi } from './national-api.js';

const SLUG = /^[a-z][a-z0-9-]{1,39}$/;
const ONBOARD_FIELDS = ['slug', 'name', 'domains', 'realm', 'issuer', 'brandColour', 'step'];

const T = {
  title: 'Forces',
  lead: 'Every force on Front Counter, with its reports and how many were read and replied to on time in the last 30 days.',
  onboardLink: 'Onboard a force',
  servicesLink: 'National services',
  slug: 'Force',
  status: 'Status',
  domains: 'Site',
  reports: 'Reports',
  triaged: 'Read on time',
  replied: 'Replied within 48 hours',
  breaches: 'Missed deadlines',
  actions: 'Actions',
  active: 'Live',
  suspended: 'Suspended',
  reason: 'Why (kept in the force’s audit trail)',
  suspend: 'Suspend',
  reinstate: 'Reinstate',
  suspendedBanner: '{force} is suspended: its site shows a notice and takes no new reports. Nothing is deleted.',
  reinstatedBanner: '{force} is live again.',
  reasonRequired: 'Say why you are suspending the force',
  none: '–',
  onboardTitle: 'Onboard a force',
  onboardLead: 'From tenants/_template: the force’s own name, domain and sign-in realm; everything else from the template, which the force’s administrators can change after.',
  slugLabel: 'Short name (lower-case letters, digits and hyphens)',
  nameLabel: 'Name',
  domainsLabel: 'Domains (one per line; the first is the site’s address)',
  realmLabel: 'Sign-in realm (optional: the short name)',
  issuerLabel: 'Sign-in issuer (optional: the development provider’s realm)',
  brandLabel: 'Brand colour (optional)',
  servicesLegend: 'Services',
  preview: 'Check and preview',
  create: 'Create the force',
  previewTitle: 'This will be created',
  created: '{force} is live at {url}. Its staff sign in at {url}staff.',
  unchanged: '{force} is already onboarded with these settings: nothing changed.',
  required: 'Enter the {field}',
  servicesTitle: 'National services',
  servicesLead: 'Each service at its newest national version, and how it stands at each force: forces without changes of their own on the changed pages take a new version automatically; the others review it in their drift report.',
  version: 'Version {version}',
  upToDate: 'up to date',
  automatic: 'can upgrade automatically',
  review: 'needs its administrators’ review ({pages})',
  cannot: 'its changes do not fit: {problems}',
  rollOut: 'Roll out to every force that can upgrade automatically',
  publishLink: 'Publish a new version',
  publishTitle: 'Publish a new version of {service}',
  publishLead: 'The whole definition, in YAML, with its version raised by one. Checking it shows how it would land at each force; nothing changes until you publish it.',
  definitionLabel: 'Definition (YAML)',
  check: 'Check',
  publish: 'Publish',
  impactTitle: 'How it would land',
  publishedVersion: '{service} version {version} is published. Every force sees it in its drift report.',
  rolledOut: 'Upgraded: {upgraded}. {skipped}',
  nobody: 'nobody',
};

/**
 * The national programme team's pages, on the national host only: every force with its figures,
 * suspend and reinstate, onboarding from the template (checked and previewed, then created), and the
 * national services with their roll-out. Everything goes through the api as the signed-in member.
 */
@Controller('national')
export class NationalController extends StaffPageController {
  constructor(
    pages: StaffPages,
    cookies: StaffCookies,
    private readonly national: NationalApi,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STAFF_LOGGER) logger: Logger,
  ) {
    super(pages, cookies, logger);
  }

  @Get()
  async forces(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
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
    });
  }

  @Post('forces/:slug/:change')
  async setStatus(@Param('slug') slug: string, @Param('change') change: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      if (!SLUG.test(slug) || (change !== 'suspend' && change !== 'reinstate')) return this.notFound(context);
      const reason = formValues(request.body, ['reason']).reason.trim();
      if (change === 'suspend' && !reason) {
        this.flash(context, T.reasonRequired);
        return this.redirect(reply, '/national', context);
      }
      await this.national.setStatus(context, slug, change === 'suspend', reason);
      this.flash(context, fill(change === 'suspend' ? T.suspendedBanner : T.reinstatedBanner, { force: slug }));
      return this.redirect(reply, '/national', context);
    });
  }

  @Get('onboard')
  async onboardForm(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => this.showOnboard(context, await this.serviceIds(context), { services: ['report-a-crime', 'contact-us'] }, []));
  }

  @Post('onboard')
  async onboard(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
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
        return this.redirect(reply, '/national', context);
      }
      return this.showOnboard(context, known, { ...values, services }, [], outcome.actions);
    });
  }

  @Get('services')
  async services(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const services = await this.national.services(context);
      return this.show(context, 'services', T.servicesTitle, {
        heading: T.servicesTitle,
        lead: T.servicesLead,
        csrf: context.session.csrf,
        national: T,
        services: services.map((service) => ({
          id: service.id,
          title: service.title.en,
          version: fill(T.version, { version: service.version }),
          forces: service.forces.map((force) => ({
            slug: force.slug,
            state: force.upToDate
              ? T.upToDate
              : force.automatic
                ? T.automatic
                : force.problems.length
                  ? fill(T.cannot, { problems: problemLines(force.problems).join('; ') })
                  : fill(T.review, { pages: force.conflicts.join(', ') }),
          })),
          rollOut: service.forces.some((force) => force.automatic) ? `/national/services/${service.id}/roll-out` : null,
          publishHref: `/national/services/${service.id}/publish`,
        })),
      });
    });
  }

  @Get('services/:serviceId/publish')
  async publishForm(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const service = SLUG.test(serviceId) ? await this.national.service(context, serviceId) : null;
      if (!service?.definition) return this.notFound(context);
      return this.showPublish(context, service.title.en, serviceId, toYaml({ ...service.definition, version: service.version + 1 }), []);
    });
  }

  @Post('services/:serviceId/publish')
  async publish(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      const service = SLUG.test(serviceId) ? await this.national.service(context, serviceId) : null;
      if (!service) return this.notFound(context);
      const { definition: text, step } = formValues(request.body, ['definition', 'step']);
      let definition: unknown;
      try {
        definition = parseYaml(text.slice(0, 1_000_000));
      } catch (error) {
        if (!(error instanceof YAMLParseError)) throw error;
        return this.showPublish(context, service.title.en, serviceId, text, [{ field: 'definition', text: `This is not valid YAML: ${error.message.split('\n')[0]}` }], undefined, 400);
      }
      if ((definition as { id?: unknown } | null)?.id !== serviceId) return this.showPublish(context, service.title.en, serviceId, text, [{ field: 'definition', text: `id: must stay ${serviceId}` }], undefined, 400);
      const outcome = await this.national.publish(context, definition, step !== 'publish');
      if (outcome.problems.length) return this.showPublish(context, service.title.en, serviceId, text, outcome.problems.map((problem) => ({ field: 'definition', text: `${problem.field}: ${problem.message}` })), undefined, 400);
      if (step === 'publish') {
        this.flash(context, fill(T.publishedVersion, { service: service.title.en, version: outcome.service!.version }));
        return this.redirect(reply, '/national/services', context);
      }
      return this.showPublish(context, service.title.en, serviceId, text, [], outcome.service!.forces.map((force) => `${force.slug}: ${force.automatic ? T.automatic : force.problems.length ? fill(T.cannot, { problems: problemLines(force.problems).join('; ') }) : force.upToDate ? T.upToDate : fill(T.review, { pages: force.conflicts.join(', ') })}`));
    });
  }

  @Post('services/:serviceId/roll-out')
  async rollOut(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      if (!SLUG.test(serviceId)) return this.notFound(context);
      const result = await this.national.rollOut(context, serviceId);
      this.flash(context, fill(T.rolledOut, { upgraded: result.upgraded.join(', ') || T.nobody, skipped: result.skipped.map((skip) => `${skip.slug}: ${skip.reason}`).join('; ') }));
      return this.redirect(reply, '/national/services', context);
    });
  }

  @Get('*')
  missing(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const context = this.open(site, request, reply);
    if (context) this.notFound(context);
  }

  // ---------------------------------------------------------------------------------------------

  /** Only on the national host; anywhere else these pages do not exist. */
  private async page(site: RequestSite, request: FastifyRequest, reply: FastifyReply, work: (context: StaffContext) => Promise<unknown>, post = false) {
    if (!site.national) return reply.code(404).header('content-type', 'text/html; charset=utf-8').send('Not found');
    const context = this.open(site, request, reply, { post });
    if (!context) return;
    await this.run(context, () => work(context));
  }

  private action(site: RequestSite, request: FastifyRequest, reply: FastifyReply, work: (context: StaffContext) => Promise<unknown>) {
    return this.page(site, request, reply, work, true);
  }

  private show(context: StaffContext, page: string, title: string, data: Record<string, unknown>, status = 200) {
    const errors = (data.errors as FieldError[] | undefined) ?? [];
    return this.html(
      context.reply,
      this.pages.render(context.site, `national/${page}`, {
        pageTitle: `${errors.length ? 'Error: ' : ''}${title}`,
        staff: this.header(context, 'national'),
        banner: this.takeFlash(context),
        errorSummary: errorSummary(errors),
        ...data,
      }),
      status,
      context,
    );
  }

  private showPublish(context: StaffContext, title: string, serviceId: string, text: string, errors: FieldError[], impact?: string[], status = 200) {
    const heading = fill(T.publishTitle, { service: title });
    return this.show(
      context,
      'publish',
      heading,
      {
        heading,
        lead: T.publishLead,
        errors,
        csrf: context.session.csrf,
        national: T,
        action: `/national/services/${serviceId}/publish`,
        impact: impact ?? null,
        textarea: this.pages.renderPartial('govuk/textarea', {
          id: 'definition',
          name: 'definition',
          label: { text: T.definitionLabel, classes: 'govuk-label--s' },
          value: text,
          rows: 30,
          spellcheck: false,
          classes: 'fc-code',
          errorMessage: errors.length ? { text: errors.map((error) => error.text).join(' | ') } : undefined,
        }),
      },
      status,
    );
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
