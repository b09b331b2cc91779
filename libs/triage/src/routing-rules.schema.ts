import { z } from 'zod';
import { conditionSchema, FLAGS } from '@front-counter/forms';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time like 18:30');
const slug = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and hyphens');

/** When a rule applies: every part given must hold. */
export const ruleConditionSchema = z
  .object({
    services: z.array(slug).min(1).optional(),
    /** A condition on the report's answers, as in form routing. */
    answers: conditionSchema.optional(),
    anyFlags: z.array(z.enum(FLAGS)).min(1).optional(),
    allFlags: z.array(z.enum(FLAGS)).min(1).optional(),
    /** Local time (Europe/London) at submission; a range may run past midnight (22:00 to 06:00). */
    between: z.object({ from: time, to: time }).strict().optional(),
    /** Whether the report's location lies inside the force's own area; a report without a location matches neither. */
    insideArea: z.boolean().optional(),
  })
  .strict();

/** What a matching rule sets on the report. */
export const ruleActionSchema = z
  .object({
    queue: slug,
    priority: z.number().int('must be a whole number').min(1, 'must be 1 (most urgent) to 5').max(5, 'must be 1 (most urgent) to 5'),
    triageWithinMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
    replyWithinHours: z.number().int().min(1).max(30 * 24).optional(),
    tags: z.array(slug).default([]),
  })
  .strict();

/** Sends the report to the force whose area contains its location (the rule does not match when none does). */
export const transferActionSchema = z.object({ transferTo: z.literal('force-containing-location') }).strict();

export const routingRuleSchema = z
  .object({
    name: z.string().trim().min(3, 'must be at least 3 characters').max(100, 'must be at most 100 characters'),
    when: ruleConditionSchema,
    then: z.union([transferActionSchema, ruleActionSchema], { message: 'must set queue and priority (and optionally deadlines and tags), or transferTo: force-containing-location' }),
  })
  .strict();

/** A force's ordered rules (tenants/<force>/routing.yaml); the first that matches decides. */
export const routingRulesSchema = z
  .object({
    rules: z
      .array(routingRuleSchema)
      .max(500, 'must be at most 500 rules')
      .refine((rules) => new Set(rules.map((rule) => rule.name)).size === rules.length, 'rule names must be unique'),
  })
  .strict();

export type RoutingRules = z.infer<typeof routingRulesSchema>;
export type RoutingRule = RoutingRules['rules'][number];
export type RuleAction = z.infer<typeof ruleActionSchema>;
export type TransferAction = z.infer<typeof transferActionSchema>;

export const isTransfer = (action: RuleAction | TransferAction): action is TransferAction => 'transferTo' in action;
