import type { EntityManager } from 'typeorm';
import { RoutingRuleSet } from './routing-rule-set.entity.js';

/** A force's current routing rules (its newest version); null when it has none (the national default applies). */
export async function currentRuleSet(manager: EntityManager, tenantId: string): Promise<RoutingRuleSet | null> {
  return manager.findOne(RoutingRuleSet, { where: { tenantId }, order: { version: 'DESC' } });
}

/** Publishes a version of a force's routing rules. */
export async function insertRuleSet(manager: EntityManager, ruleSet: Partial<RoutingRuleSet>): Promise<void> {
  await manager.insert(RoutingRuleSet, ruleSet);
}

/** Whether the routing tables exist yet (a dry run may come before the first migration). */
export async function routingMigrated(manager: EntityManager): Promise<boolean> {
  const [{ migrated }] = await manager.query(`SELECT to_regclass('routing_rule_sets') IS NOT NULL AS migrated`);
  return migrated;
}

/** A force's newest routing rules published from its files (rather than in the product); null when none were. */
export async function latestRuleSetPublishedBy(manager: EntityManager, tenantId: string, publishedBy: string): Promise<RoutingRuleSet | null> {
  return manager.findOne(RoutingRuleSet, { where: { tenantId, publishedBy }, order: { version: 'DESC' } });
}

/** A version of a force's routing rules; null when there is no such version. */
export async function ruleSetVersion(manager: EntityManager, tenantId: string, version: number): Promise<RoutingRuleSet | null> {
  return manager.findOne(RoutingRuleSet, { where: { tenantId, version } });
}

/** Every version of a force's routing rules, newest first. */
export async function ruleSetHistory(manager: EntityManager, tenantId: string): Promise<RoutingRuleSet[]> {
  return manager.find(RoutingRuleSet, { where: { tenantId }, order: { version: 'DESC' } });
}
