import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { leafDifferences, type LeafDifference } from '@front-counter/data-files';
import { TenantTransactions } from '@front-counter/database';
import { FLAGS, FormCatalogue, nationalServiceIds, raisedFlags, type FormAnswers } from '@front-counter/forms';
import { AccessException, type StaffIdentity } from '@front-counter/identity';
import { administeredForce } from './administered-force.js';
import { findReport, parseReference, ReportIntake } from '@front-counter/reports';
import { tenantById } from '@front-counter/tenancy';
import { currentRuleSet, insertRuleSet, routeReport, ruleSetHistory, ruleSetVersion, RoutingRuleSet, routingRulesHash, routingRulesSchema, type RoutingRules } from '@front-counter/triage';
import { dropAdminDraft, findAdminDraft, keepAdminDraft } from './admin-drafts.repository.js';
import type { Actor, Outcome } from './force-admin.service.js';
import { zodProblems, type FieldProblem } from './field-problems.js';

export interface SimulationInput {
  serviceId: string;
  /** Sample answers by page id, as a report holds them (optional). */
  answers?: unknown;
  /** Flags to assume on top of those the answers raise. */
  flags?: string[];
  /** When the report is made (local time matters to `between`); default now. */
  submittedAt?: Date | null;
  location?: { latitude: number; longitude: number } | null;
  /** An existing report of the force to test instead of sample answers (its answers never leave the api). */
  report?: string | null;
  /** Rules to test before publishing them; default the published ones. */
  rules?: unknown;
}

export interface SimulationResult {
  problems: FieldProblem[];
  /** The rule that matched, or null for the national default. */
  rule: string | null;
  transferTo: string | null;
  queue: string | null;
  priority: number | null;
  triageWithinMinutes: number | null;
  replyWithinHours: number | null;
  tags: string[];
  flags: string[];
  insideArea: boolean | null;
  /** One line per rule, in order, saying whether it matched (the first that matched decides). */
  explanation: string[];
}

/**
 * A force administrator's routing rules: the published version and its history, a new version
 * (checked by field and published whole: list, edit and reorder are one edit of the ordered list),
 * roll-back, and a simulator that shows which rule a sample report (or an existing one) matches and
 * what it sets, against the published rules or rules not yet published.
 */
@Injectable()
export class RoutingAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditService,
    private readonly intake: ReportIntake,
    private readonly forms: FormCatalogue,
  ) {}

  async versions(staff: StaffIdentity): Promise<RoutingRuleSet[]> {
    const tenantId = administeredForce(staff);
    return this.transactions.run(tenantId, (manager) => ruleSetHistory(manager, tenantId));
  }

  /** The unpublished rules, if any: whole ordered lists, edited and reordered before publishing. */
  async draft(staff: StaffIdentity): Promise<{ rules: RoutingRules; updatedAt: Date; updatedByName: string | null } | null> {
    const tenantId = administeredForce(staff);
    const row = await this.transactions.run(tenantId, (manager) => findAdminDraft(manager, tenantId, 'routing', ''));
    return row ? { rules: row.content as unknown as RoutingRules, updatedAt: row.updatedAt, updatedByName: row.updatedByName } : null;
  }

  async saveDraft(staff: StaffIdentity, input: unknown): Promise<Outcome<RoutingRules>> {
    const tenantId = administeredForce(staff);
    const checked = await this.check(input);
    if ('problems' in checked) return { problems: checked.problems };
    await this.transactions.run(tenantId, (manager) =>
      keepAdminDraft(manager, { tenantId, kind: 'routing', key: '', content: checked.rules }, staff),
    );
    return { problems: [], result: checked.rules };
  }

  async discardDraft(staff: StaffIdentity): Promise<boolean> {
    const tenantId = administeredForce(staff);
    return this.transactions.run(tenantId, (manager) => dropAdminDraft(manager, tenantId, 'routing', ''));
  }

  /** Publishes the draft (checked again) and drops it. */
  async publishDraft(staff: StaffIdentity, note: string | null, actor: Actor): Promise<Outcome<RoutingRuleSet>> {
    const draft = await this.draft(staff);
    if (!draft) return { problems: [{ field: 'draft', message: 'There are no draft rules to publish.' }] };
    const outcome = await this.publish(staff, draft.rules, note, actor);
    if (outcome.result) await this.discardDraft(staff);
    return outcome;
  }

  async publish(staff: StaffIdentity, input: unknown, note: string | null, actor: Actor): Promise<Outcome<RoutingRuleSet>> {
    const tenantId = administeredForce(staff);
    const checked = await this.check(input);
    if ('problems' in checked) return { problems: checked.problems };
    return this.transactions.run(tenantId, async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`front-counter:admin:${tenantId}:routing`]);
      const current = await latest(manager, tenantId);
      if (current?.hash === routingRulesHash(checked.rules)) return { problems: [{ field: 'rules', message: 'These rules are the ones already published.' }] };
      const version = await this.insert(manager, tenantId, checked.rules, actor, note?.trim().slice(0, 500) || null);
      await this.record(manager, tenantId, actor, 'routing.published', version.version, describe(current?.rules ?? null, checked.rules));
      return { problems: [], result: version };
    });
  }

  async rollBack(staff: StaffIdentity, toVersion: number, actor: Actor): Promise<Outcome<RoutingRuleSet>> {
    const tenantId = administeredForce(staff);
    return this.transactions.run(tenantId, async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`front-counter:admin:${tenantId}:routing`]);
      const target = await ruleSetVersion(manager, tenantId, toVersion);
      if (!target) throw AccessException.notFoundOrNoAccess();
      const current = (await latest(manager, tenantId))!;
      if (current.hash === target.hash) return { problems: [{ field: 'version', message: `Version ${toVersion} holds the rules already in use.` }] };
      const version = await this.insert(manager, tenantId, target.rules, actor, `Rolled back to version ${toVersion}`);
      await this.record(manager, tenantId, actor, 'routing.rolled-back', version.version, describe(current.rules, target.rules));
      return { problems: [], result: version };
    });
  }

  async simulate(staff: StaffIdentity, input: SimulationInput): Promise<SimulationResult> {
    const tenantId = administeredForce(staff);
    const empty: SimulationResult = { problems: [], rule: null, transferTo: null, queue: null, priority: null, triageWithinMinutes: null, replyWithinHours: null, tags: [], flags: [], insideArea: null, explanation: [] };
    let rules: RoutingRules | null = null;
    if (input.rules !== undefined && input.rules !== null) {
      const checked = await this.check(input.rules);
      if ('problems' in checked) return { ...empty, problems: checked.problems };
      rules = checked.rules;
    }
    const unknownFlags = (input.flags ?? []).filter((flag) => !(FLAGS as readonly string[]).includes(flag));
    if (unknownFlags.length) return { ...empty, problems: [{ field: 'flags', message: `Unknown flag ${unknownFlags[0]} (flags are: ${FLAGS.join(', ')})` }] };
    if (input.location && !(Math.abs(input.location.latitude) <= 90 && Math.abs(input.location.longitude) <= 180)) return { ...empty, problems: [{ field: 'location', message: 'Latitude must be -90 to 90 and longitude -180 to 180' }] };

    return this.transactions.run(tenantId, async (manager) => {
      const force = await tenantById(manager, tenantId);
      if (!force) throw AccessException.notFoundOrNoAccess();
      rules ??= (await latest(manager, tenantId))?.rules ?? { rules: [] };
      let serviceId = input.serviceId;
      let answers: FormAnswers = (input.answers && typeof input.answers === 'object' ? input.answers : {}) as FormAnswers;
      let flags = [...(input.flags ?? [])];
      let location = input.location ?? null;
      let submittedAt = input.submittedAt ?? new Date();
      if (input.report) {
        const parsed = parseReference(input.report);
        const report = 'reference' in parsed ? await findReport(manager, { reference: parsed.reference }) : null;
        if (!report) throw AccessException.notFoundOrNoAccess();
        ({ serviceId, answers, location, submittedAt } = { serviceId: report.serviceId, answers: report.answers as FormAnswers, location: report.location, submittedAt: report.submittedAt });
        flags = [...new Set([...report.flags, ...flags])];
        await this.audit.record(manager, { tenantId, actorType: 'staff', actorId: staff.subject, action: 'report.routing-simulated', subjectType: 'report', subjectId: report.id, details: { actorName: staff.name } });
      } else {
        const form = await this.forms.current(tenantId, serviceId);
        if (!form) return { ...empty, problems: [{ field: 'serviceId', message: `${serviceId} is not a service of this force` }] };
        flags = [...new Set([...raisedFlags(form.form, answers), ...flags])];
      }
      const { insideArea, areaForce } = await this.intake.areaFacts(manager, tenantId, location);
      const facts = { serviceId, answers, flags, submittedAt, insideArea, areaForce };
      const explanation = rules.rules.map((rule, index) => {
        const alone = routeReport([rule], facts, force.promises);
        const matched = alone.kind === 'transfer' || alone.rule === rule.name;
        return `${index + 1}. ${rule.name}: ${matched ? 'matches' : 'does not match'}`;
      });
      const outcome = routeReport(rules.rules, facts, force.promises);
      if (outcome.kind === 'transfer') return { ...empty, rule: outcome.rule, transferTo: outcome.to, flags, insideArea, explanation };
      return {
        ...empty,
        rule: outcome.rule,
        queue: outcome.action.queue,
        priority: outcome.action.priority,
        triageWithinMinutes: outcome.action.triageWithinMinutes,
        replyWithinHours: outcome.action.replyWithinHours,
        tags: outcome.action.tags,
        flags,
        insideArea,
        explanation,
      };
    });
  }

  /** Rules checked by field (a rule named by its name where it has one), with services that exist nationally. */
  private async check(input: unknown): Promise<{ rules: RoutingRules } | { problems: FieldProblem[] }> {
    const parsed = routingRulesSchema.safeParse(input);
    if (!parsed.success) {
      const raw = (input as { rules?: { name?: unknown }[] } | null)?.rules;
      return {
        problems: zodProblems(parsed.error).map((problem) => ({
          ...problem,
          field: problem.field.replace(/^rules\.(\d+)/, (whole, index: string) => (typeof raw?.[Number(index)]?.name === 'string' ? `rules.${JSON.stringify(raw[Number(index)].name)}` : whole)),
        })),
      };
    }
    const known = new Set(await nationalServiceIds(this.dataSource));
    const problems = parsed.data.rules.flatMap((rule) =>
      (rule.when.services ?? []).filter((service) => !known.has(service)).map((service) => ({ field: `rules.${JSON.stringify(rule.name)}.when.services`, message: `${service} is not a national service` })),
    );
    return problems.length ? { problems } : { rules: parsed.data };
  }

  private async insert(manager: EntityManager, tenantId: string, rules: RoutingRules, actor: Actor, note: string | null): Promise<RoutingRuleSet> {
    const current = await latest(manager, tenantId);
    const version = (current?.version ?? 0) + 1;
    await insertRuleSet(manager, { tenantId, version, rules, hash: routingRulesHash(rules), publishedBy: actor.subject, publishedByName: actor.name, note });
    return (await ruleSetVersion(manager, tenantId, version))!;
  }

  private async record(manager: EntityManager, tenantId: string, actor: Actor, action: string, version: number, changes: string[]): Promise<void> {
    await this.audit.record(manager, { tenantId, actorType: 'staff', actorId: actor.subject, action, subjectType: 'routing-rules', subjectId: String(version), details: { actorName: actor.name, version, changes }, requestId: actor.requestId });
  }
}

function latest(manager: EntityManager, tenantId: string): Promise<RoutingRuleSet | null> {
  return currentRuleSet(manager, tenantId);
}

/** What changed between two rule lists, rule by rule (by name), for the audit trail. */
export function describe(before: RoutingRules | null, after: RoutingRules): string[] {
  const byName = (rules: RoutingRules | null) => Object.fromEntries((rules?.rules ?? []).map((rule, index) => [rule.name, { position: index + 1, when: rule.when, then: rule.then }]));
  const differences: LeafDifference[] = leafDifferences(JSON.parse(JSON.stringify(byName(before))), JSON.parse(JSON.stringify(byName(after))));
  return differences.slice(0, 50).map((difference) => `${difference.path}: ${JSON.stringify(difference.before) ?? '(none)'} → ${JSON.stringify(difference.after) ?? '(none)'}`);
}
