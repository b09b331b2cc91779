// Triage: each force's routing rules (versioned data) deciding a report's queue, priority, tags and
// SLA deadlines at submission, or its transfer to the force whose area holds the location.
export {
  routingRulesSchema,
  routingRuleSchema,
  ruleConditionSchema,
  ruleActionSchema,
  transferActionSchema,
  isTransfer,
  type RoutingRules,
  type RoutingRule,
  type RuleAction,
  type TransferAction,
} from './routing-rules.schema.js';
export { routeReport, deadlines, NATIONAL_DEFAULT, type ReportFacts, type RoutingOutcome } from './evaluate-rules.js';
export { forceAreaSchema, containsPoint, boundingBox, type ForceArea } from './force-area.js';
export { loadForceTriageFiles, type ForceTriageFiles } from './triage-files.js';
export { syncTriage, routingRulesHash, FILE_PUBLISHER, type ForceTriageData } from './triage-sync.js';
export { RoutingRuleSet } from './routing-rule-set.entity.js';
export { currentRuleSet, insertRuleSet, ruleSetHistory, ruleSetVersion } from './routing-rules.repository.js';

import { RoutingRuleSet } from './routing-rule-set.entity.js';
export const TRIAGE_ENTITIES = [RoutingRuleSet];
