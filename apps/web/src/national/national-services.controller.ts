import { Controller, Get, Param, Post } from '@nestjs/common';
import { parse as parseYaml, stringify as toYaml, YAMLParseError } from 'yaml';
import { CurrentSession } from '../sessions/session.interceptor.js';
import type { StaffContext } from '../staff/staff-api.js';
import { formValues, type FieldError } from '../staff/staff-forms.js';
import { StaffPages } from '../staff/staff-pages.js';
import { fill } from '../staff/staff-texts.js';
import { problemLines } from '../admin/admin-forms.js';
import { NationalApi } from './national-api.js';
import { NationalAction, NationalPage, NationalPageController, SLUG } from './national-page-controller.js';
import { NATIONAL_TEXT as T } from './national-texts.js';

/**
 * The national services (on the national host): each with how its new version would reach every
 * force, publishing a new version (checked first), and rolling it out where it applies automatically.
 */
@Controller('national')
export class NationalServicesController extends NationalPageController {
  constructor(
    pages: StaffPages,
    private readonly national: NationalApi,
  ) {
    super(pages);
  }

  @Get('services')
  @NationalPage()
  async services(@CurrentSession() context: StaffContext) {
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
  }

  @Get('services/:serviceId/publish')
  @NationalPage()
  async publishForm(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    const service = SLUG.test(serviceId) ? await this.national.service(context, serviceId) : null;
    if (!service?.definition) return this.notFound(context);
    return this.showPublish(context, service.title.en, serviceId, toYaml({ ...service.definition, version: service.version + 1 }), []);
  }

  @Post('services/:serviceId/publish')
  @NationalAction()
  async publish(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    const { request } = context;
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
      return this.redirect('/national/services');
    }
    return this.showPublish(context, service.title.en, serviceId, text, [], outcome.service!.forces.map((force) => `${force.slug}: ${force.automatic ? T.automatic : force.problems.length ? fill(T.cannot, { problems: problemLines(force.problems).join('; ') }) : force.upToDate ? T.upToDate : fill(T.review, { pages: force.conflicts.join(', ') })}`));
  }

  @Post('services/:serviceId/roll-out')
  @NationalAction()
  async rollOut(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    if (!SLUG.test(serviceId)) return this.notFound(context);
    const result = await this.national.rollOut(context, serviceId);
    this.flash(context, fill(T.rolledOut, { upgraded: result.upgraded.join(', ') || T.nobody, skipped: result.skipped.map((skip) => `${skip.slug}: ${skip.reason}`).join('; ') }));
    return this.redirect('/national/services');
  }

  @Get('*')
  @NationalPage()
  missing(@CurrentSession() context: StaffContext) {
    return this.notFound(context);
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
}
