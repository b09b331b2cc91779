import { Args, Context, Field, Float, InputType, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { JSONScalar } from '@front-counter/forms';
import { CurrentStaff, Permission, StaffOnly, type StaffIdentity } from '@front-counter/identity';
import type { RoutingRuleSet } from '@front-counter/triage';
import { FiguresService } from './figures.service.js';
import { ForceAdminService, type Actor } from './force-admin.service.js';
import { ForceFiguresModel, RoutingDraftPayload, RoutingRulesDraftModel, RoutingRulesPayload, RoutingRulesVersionModel, RoutingSimulationModel, StaffSettingsModel, StaffSettingsPayload } from './force-admin.models.js';
import { RoutingAdminService } from './routing-admin.service.js';

@InputType('GeoPointInput')
export class GeoPointInput {
  @Field(() => Float)
  latitude: number;

  @Field(() => Float)
  longitude: number;
}

@InputType('RoutingSimulationInput', { description: 'A sample report: a service with sample answers (by page id), flags and a place, or an existing report of the force.' })
export class RoutingSimulationInput {
  @Field({ defaultValue: 'report-a-crime' })
  serviceId: string;

  @Field(() => JSONScalar, { nullable: true, description: 'Answers by page id, as a report holds them: { "crime-type": { "crimeType": "hate" } }.' })
  answers?: unknown;

  @Field(() => [String], { nullable: true, description: 'Flags to assume as well as those the answers raise.' })
  flags?: string[];

  @Field(() => Date, { nullable: true, description: 'When it is made (default now).' })
  submittedAt?: Date | null;

  @Field(() => GeoPointInput, { nullable: true })
  location?: GeoPointInput | null;

  @Field(() => String, { nullable: true, description: 'An existing report of the force, by reference, instead of sample answers.' })
  report?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Rules to test before publishing; default the published ones.' })
  rules?: unknown;
}

const actorOf = (staff: StaffIdentity, request?: FastifyRequest): Actor => ({ subject: staff.subject, name: staff.name, requestId: request?.id ? String(request.id) : undefined });
const rulesModel = (set: RoutingRuleSet): RoutingRulesVersionModel => ({
  version: set.version,
  rules: set.rules,
  publishedAt: set.publishedAt,
  publishedBy: set.publishedByName ?? (set.publishedBy === 'tenant-sync' ? 'tenant files' : set.publishedBy),
  note: set.note,
});

/** Force administrators: routing rules (versioned, with a simulator), staff sign-in settings and the force's figures. */
@Resolver()
export class RoutingAdminResolver {
  constructor(
    private readonly routing: RoutingAdminService,
    private readonly admin: ForceAdminService,
    private readonly figures: FiguresService,
  ) {}

  @Query(() => [RoutingRulesVersionModel], { description: 'Every published version of the force’s routing rules, newest (in use) first.' })
  @StaffOnly(Permission.AdministerForce)
  async routingRuleVersions(@CurrentStaff() staff: StaffIdentity): Promise<RoutingRulesVersionModel[]> {
    return (await this.routing.versions(staff)).map(rulesModel);
  }

  @Mutation(() => RoutingRulesPayload, { description: 'Publishes the whole ordered list of rules as a new version (edit, add, remove and reorder are one change). Checked by field first.' })
  @StaffOnly(Permission.AdministerForce)
  async publishRoutingRules(
    @CurrentStaff() staff: StaffIdentity,
    @Args('rules', { type: () => JSONScalar }) rules: unknown,
    @Args('note', { type: () => String, nullable: true }) note: string | null,
    @Context('req') request?: FastifyRequest,
  ): Promise<RoutingRulesPayload> {
    const outcome = await this.routing.publish(staff, rules, note, actorOf(staff, request));
    return { problems: outcome.problems, version: outcome.result ? rulesModel(outcome.result) : null };
  }

  @Mutation(() => RoutingRulesPayload, { description: 'Publishes an earlier version’s rules again, as a new version.' })
  @StaffOnly(Permission.AdministerForce)
  async rollBackRoutingRules(@CurrentStaff() staff: StaffIdentity, @Args('toVersion', { type: () => Int }) toVersion: number, @Context('req') request?: FastifyRequest): Promise<RoutingRulesPayload> {
    const outcome = await this.routing.rollBack(staff, toVersion, actorOf(staff, request));
    return { problems: outcome.problems, version: outcome.result ? rulesModel(outcome.result) : null };
  }

  @Query(() => RoutingRulesDraftModel, { nullable: true, description: 'The force’s unpublished rules, if any.' })
  @StaffOnly(Permission.AdministerForce)
  async routingDraft(@CurrentStaff() staff: StaffIdentity): Promise<RoutingRulesDraftModel | null> {
    return this.routing.draft(staff);
  }

  @Mutation(() => RoutingDraftPayload, { description: 'Checks the whole ordered list of rules and keeps it as the draft (nothing routes by it until published).' })
  @StaffOnly(Permission.AdministerForce)
  async saveRoutingDraft(@CurrentStaff() staff: StaffIdentity, @Args('rules', { type: () => JSONScalar }) rules: unknown): Promise<RoutingDraftPayload> {
    const outcome = await this.routing.saveDraft(staff, rules);
    return { problems: outcome.problems, rules: outcome.result ?? null };
  }

  @Mutation(() => Boolean, { description: 'Throws the draft rules away. False when there were none.' })
  @StaffOnly(Permission.AdministerForce)
  async discardRoutingDraft(@CurrentStaff() staff: StaffIdentity): Promise<boolean> {
    return this.routing.discardDraft(staff);
  }

  @Mutation(() => RoutingRulesPayload, { description: 'Publishes the draft rules as a new version.' })
  @StaffOnly(Permission.AdministerForce)
  async publishRoutingDraft(@CurrentStaff() staff: StaffIdentity, @Args('note', { type: () => String, nullable: true }) note: string | null, @Context('req') request?: FastifyRequest): Promise<RoutingRulesPayload> {
    const outcome = await this.routing.publishDraft(staff, note, actorOf(staff, request));
    return { problems: outcome.problems, version: outcome.result ? rulesModel(outcome.result) : null };
  }

  @Query(() => RoutingSimulationModel, { description: 'Which rule a sample report (or an existing one) matches, and what it sets. Nothing is changed.' })
  @StaffOnly(Permission.AdministerForce)
  async simulateRouting(@CurrentStaff() staff: StaffIdentity, @Args('input') input: RoutingSimulationInput): Promise<RoutingSimulationModel> {
    return this.routing.simulate(staff, input);
  }

  @Query(() => StaffSettingsModel)
  @StaffOnly(Permission.AdministerForce)
  async staffSettings(@CurrentStaff() staff: StaffIdentity): Promise<StaffSettingsModel> {
    return this.admin.staffSettings(staff);
  }

  @Mutation(() => StaffSettingsPayload, { description: 'Changes the staff sign-in client, the environment variable holding its secret (never the secret) and the roles claim.' })
  @StaffOnly(Permission.AdministerForce)
  async updateStaffSettings(@CurrentStaff() staff: StaffIdentity, @Args('settings', { type: () => JSONScalar }) settings: unknown, @Context('req') request?: FastifyRequest): Promise<StaffSettingsPayload> {
    const outcome = await this.admin.updateStaffSettings(staff, settings, actorOf(staff, request));
    return { problems: outcome.problems, settings: outcome.result ?? null };
  }

  @Query(() => ForceFiguresModel, { description: 'The force’s figures over the last `days` days (1 to 366).' })
  @StaffOnly(Permission.AdministerForce)
  async forceFigures(@CurrentStaff() staff: StaffIdentity, @Args('days', { type: () => Int, defaultValue: 30 }) days: number): Promise<ForceFiguresModel> {
    return this.figures.forForce(staff, days);
  }
}
