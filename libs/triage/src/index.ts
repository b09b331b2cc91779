// Triage: each force's routing rules (versioned data) deciding a report's queue, priority, tags and
// SLA deadlines at submission. (Queues, claims, THRIVE and decisions build on this.)
export { routingRulesSchema, ruleConditionSchema, ruleActionSchema, type RoutingRules, type RoutingRule, type RuleAction } from './routing-rules.schema.js';
export { routeReport, NATIONAL_DEFAULT, type ReportFacts, type RoutingOutcome } from './evaluate-rules.js';
