import { answersByQuestion, evaluate, type FormAnswers } from '@front-counter/forms';
import type { RoutingRule, RuleAction } from './routing-rules.schema.js';

export interface ReportFacts {
  serviceId: string;
  answers: FormAnswers;
  flags: string[];
  submittedAt: Date;
}

export interface RoutingOutcome {
  /** The rule that matched, or null when the national default applied. */
  rule: string | null;
  action: Required<RuleAction>;
  triageBy: Date;
  replyBy: Date;
}

/** Where a report goes when no rule of its force matches. */
export const NATIONAL_DEFAULT: Required<RuleAction> = { queue: 'general', priority: 3, triageWithinMinutes: 45, replyWithinHours: 48, tags: [] };

function londonMinutes(at: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return value('hour') * 60 + value('minute');
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));

function matches(rule: RoutingRule, facts: ReportFacts): boolean {
  const { when } = rule;
  if (when.services && !when.services.includes(facts.serviceId)) return false;
  if (when.anyFlags && !when.anyFlags.some((flag) => facts.flags.includes(flag))) return false;
  if (when.allFlags && !when.allFlags.every((flag) => facts.flags.includes(flag))) return false;
  if (when.answers && !evaluate(when.answers, answersByQuestion(facts.answers))) return false;
  if (when.between) {
    const now = londonMinutes(facts.submittedAt);
    const [from, to] = [minutesOf(when.between.from), minutesOf(when.between.to)];
    const inside = from <= to ? now >= from && now < to : now >= from || now < to;
    if (!inside) return false;
  }
  return true;
}

/**
 * The first of a force's ordered rules that matches the report decides its queue, priority, tags
 * and deadlines (the force's own promises fill what the rule leaves out); none matching, the national
 * default applies.
 */
export function routeReport(rules: RoutingRule[], facts: ReportFacts, promises: { triageWithinMinutes: number; replyWithinHours: number }): RoutingOutcome {
  const rule = rules.find((candidate) => matches(candidate, facts)) ?? null;
  const action: Required<RuleAction> = {
    ...NATIONAL_DEFAULT,
    triageWithinMinutes: promises.triageWithinMinutes,
    replyWithinHours: promises.replyWithinHours,
    ...(rule?.then ?? {}),
  } as Required<RuleAction>;
  return {
    rule: rule?.name ?? null,
    action,
    triageBy: new Date(facts.submittedAt.getTime() + action.triageWithinMinutes * 60_000),
    replyBy: new Date(facts.submittedAt.getTime() + action.replyWithinHours * 3_600_000),
  };
}
