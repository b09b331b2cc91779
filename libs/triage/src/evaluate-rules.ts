import { answersByQuestion, evaluate, type FormAnswers } from '@front-counter/forms';
import { isTransfer, type RoutingRule, type RuleAction } from './routing-rules.schema.js';

export interface ReportFacts {
  serviceId: string;
  answers: FormAnswers;
  flags: string[];
  submittedAt: Date;
  /** Whether the location lies inside this force's area; null when the report has no location (or the force no area). */
  insideArea?: boolean | null;
  /** The slug of another force whose area contains the location, if any. */
  areaForce?: string | null;
}

export type RoutingOutcome =
  | {
      kind: 'route';
      /** The rule that matched, or null when the national default applied. */
      rule: string | null;
      action: Required<RuleAction>;
      triageBy: Date;
      replyBy: Date;
    }
  | { kind: 'transfer'; rule: string; to: string };

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
  if (when.insideArea !== undefined && (facts.insideArea ?? null) !== when.insideArea) return false;
  if (when.answers && !evaluate(when.answers, answersByQuestion(facts.answers))) return false;
  if (when.between) {
    const now = londonMinutes(facts.submittedAt);
    const [from, to] = [minutesOf(when.between.from), minutesOf(when.between.to)];
    const inside = from <= to ? now >= from && now < to : now >= from || now < to;
    if (!inside) return false;
  }
  // A transfer needs somewhere to go.
  if (isTransfer(rule.then) && !facts.areaForce) return false;
  return true;
}

/** The deadlines of a routing action, counted from `from`. */
export function deadlines(action: Required<RuleAction>, from: Date): { triageBy: Date; replyBy: Date } {
  return { triageBy: new Date(from.getTime() + action.triageWithinMinutes * 60_000), replyBy: new Date(from.getTime() + action.replyWithinHours * 3_600_000) };
}

/**
 * The first of a force's ordered rules that matches the report decides: a transfer to the force whose
 * area holds the location, or its queue, priority, tags and deadlines (the force's own promises fill
 * what the rule leaves out); none matching, the national default applies. With `allowTransfer` false
 * (a force receiving a transfer), transfer rules are passed over: a report moves at most once at submission.
 */
export function routeReport(
  rules: RoutingRule[],
  facts: ReportFacts,
  promises: { triageWithinMinutes: number; replyWithinHours: number },
  options: { allowTransfer?: boolean; clockFrom?: Date } = {},
): RoutingOutcome {
  const allowTransfer = options.allowTransfer ?? true;
  const rule = rules.find((candidate) => (allowTransfer || !isTransfer(candidate.then)) && matches(candidate, facts)) ?? null;
  if (rule && isTransfer(rule.then)) return { kind: 'transfer', rule: rule.name, to: facts.areaForce! };
  const action: Required<RuleAction> = {
    ...NATIONAL_DEFAULT,
    triageWithinMinutes: promises.triageWithinMinutes,
    replyWithinHours: promises.replyWithinHours,
    ...((rule?.then as RuleAction | undefined) ?? {}),
  } as Required<RuleAction>;
  return { kind: 'route', rule: rule?.name ?? null, action, ...deadlines(action, options.clockFrom ?? facts.submittedAt) };
}
