import type { RoutingRule, Simulation } from './admin-api.js';
import { fill } from './admin-forms.js';
import { ADMIN_TEXT as T } from './admin-texts.js';

export function describeWhen(rule: RoutingRule): string {
  const when = rule.when as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(when.services)) parts.push(`services: ${when.services.join(', ')}`);
  if (Array.isArray(when.anyFlags)) parts.push(`any of: ${when.anyFlags.join(', ')}`);
  if (Array.isArray(when.allFlags)) parts.push(`all of: ${when.allFlags.join(', ')}`);
  if (when.between && typeof when.between === 'object') parts.push(`between ${(when.between as { from: string }).from} and ${(when.between as { to: string }).to}`);
  if (typeof when.insideArea === 'boolean') parts.push(when.insideArea ? 'inside our area' : 'outside our area');
  if (when.answers) parts.push(`answers: ${JSON.stringify(when.answers)}`);
  return parts.join('; ') || T.routing.always;
}

export function describeThen(rule: RoutingRule): string {
  const then = rule.then as Record<string, unknown>;
  if (then.transferTo) return T.routing.transfer;
  const parts = [`queue ${then.queue}`, `priority ${then.priority}`];
  if (then.triageWithinMinutes) parts.push(`read within ${then.triageWithinMinutes} min`);
  if (then.replyWithinHours) parts.push(`reply within ${then.replyWithinHours} h`);
  if (Array.isArray(then.tags) && then.tags.length) parts.push(`tags ${then.tags.join(', ')}`);
  return parts.join(', ');
}

export function resultView(result: Simulation) {
  const S = T.simulator;
  const rows: [string, string][] = result.transferTo
    ? []
    : [
        [S.queue, result.queue ?? ''],
        [S.priority, String(result.priority ?? '')],
        [S.triage, fill(S.minutes, { count: result.triageWithinMinutes ?? 0 })],
        [S.reply, fill(S.hours, { count: result.replyWithinHours ?? 0 })],
        [S.tags, result.tags.join(', ') || S.none],
      ];
  rows.push([S.flagsRaised, result.flags.map((flag) => S.flagNames[flag] ?? flag).join(', ') || S.none]);
  return {
    heading: result.transferTo ? fill(S.transfer, { force: result.transferTo }) : result.rule ? fill(S.matched, { rule: result.rule }) : S.noRule,
    summary: { rows: rows.map(([key, value]) => ({ key: { text: key }, value: { text: value } })) },
    explanation: result.explanation,
  };
}

export function londonTimeToday(hours: number, minutes: number): Date {
  const now = new Date();
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const guess = new Date(`${day}T${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:00Z`);
  // London is UTC or UTC+1: correct by the offset London shows at that instant.
  const shown = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(guess);
  const [shownHours, shownMinutes] = shown.split(':').map(Number);
  const offsetMinutes = (shownHours * 60 + shownMinutes - (hours * 60 + minutes) + 1440) % 1440;
  return new Date(guess.getTime() - offsetMinutes * 60_000);
}
