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
