import { answeredQuestions, type AnsweredQuestion, type DocumentMapping, type PersonRole, type QuestionDefinition } from '@front-counter/forms';
import { answerSummary } from '@front-counter/public-kit';
import type {
  DocumentAddress,
  DocumentChoice,
  DocumentEvent,
  DocumentGroup,
  DocumentLocation,
  DocumentOccurred,
  DocumentPerson,
  DocumentProperty,
  DocumentVehicle,
  ReportDocument,
  ReportDocumentInput,
} from './report-document.js';

type AnswerRecord = Record<string, unknown>;
const isRecord = (value: unknown): value is AnswerRecord => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const iso = (instant: Date | string) => new Date(instant).toISOString();

/** An address answer's parts ({ line1, line2, town, postcode }) as the document's address. */
function addressOf(answer: AnswerRecord): DocumentAddress | undefined {
  const lines = [answer.line1, answer.line2].filter(nonEmpty);
  if (lines.length === 0) return undefined;
  return { lines, ...(nonEmpty(answer.town) ? { town: answer.town } : {}), ...(nonEmpty(answer.postcode) ? { postcode: answer.postcode } : {}) };
}

/** The chosen option(s) of a choice question, with their English labels. */
function choicesOf(question: QuestionDefinition, value: unknown): DocumentChoice[] {
  const options = 'options' in question ? question.options : [];
  return [value]
    .flat()
    .filter(nonEmpty)
    .map((chosen) => ({ value: chosen, label: options.find((option) => option.value === chosen)?.label.en ?? (chosen === 'yes' ? 'Yes' : chosen === 'no' ? 'No' : chosen) }));
}

/** Europe/London's offset from UTC (minutes) at the wall-clock time given as if it were UTC. */
function londonOffsetMinutes(wallClockAsUtc: number): number {
  const offsetAt = (instant: number) => {
    const name = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'longOffset' }).formatToParts(new Date(instant)).find((part) => part.type === 'timeZoneName')?.value ?? '';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  };
  // The offset at the instant that wall-clock time names (one correction settles it, bar the hour clocks skip).
  return offsetAt(wallClockAsUtc - offsetAt(wallClockAsUtc) * 60_000);
}

/** "2024-03-31", "14:30" → "2024-03-31T14:30:00+01:00": a UK local time made unambiguous. */
export function londonDateTime(date: string, time: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const [hours, minutes] = time.split(':').map(Number);
  const offset = londonOffsetMinutes(Date.UTC(year, month - 1, day, hours, minutes));
  const sign = offset < 0 ? '-' : '+';
  const pad = (value: number) => String(Math.abs(value)).padStart(2, '0');
  return `${date}T${time}:00${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** When it happened, from an approximate-datetime answer ({ kind: exact | approximate, ... }) or a date. */
function occurredOf(value: unknown): DocumentOccurred | undefined {
  if (nonEmpty(value)) return { exact: true, date: value };
  if (!isRecord(value)) return undefined;
  if (value.kind === 'exact' && nonEmpty(value.date)) {
    return nonEmpty(value.time) ? { exact: true, date: value.date, time: value.time, dateTime: londonDateTime(value.date, value.time) } : { exact: true, date: value.date };
  }
  if (value.kind === 'approximate' && nonEmpty(value.from) && nonEmpty(value.to)) {
    return { exact: false, from: value.from, to: value.to, ...(nonEmpty(value.description) ? { description: value.description } : {}) };
  }
  return undefined;
}

/** A place from a location answer (an address or a described place, either with a point) or an address answer. */
function placeOf(value: unknown): Omit<DocumentLocation, 'role'> {
  if (!isRecord(value)) return {};
  const address = value.kind === 'description' ? undefined : addressOf(value);
  const place: Omit<DocumentLocation, 'role'> = {};
  if (value.kind === 'description' && nonEmpty(value.description)) place.description = value.description;
  if (address) place.address = address;
  if (typeof value.uprn === 'string' && /^[0-9]{1,12}$/.test(value.uprn)) place.uprn = value.uprn;
  if (typeof value.latitude === 'number' && typeof value.longitude === 'number') place.coordinates = { latitude: value.latitude, longitude: value.longitude };
  return place;
}

/**
 * The persons, vehicles, property and places the answers describe. Details of one role from pages
 * that are not repeating groups make one object; each item of a repeating group makes its own.
 */
class Objects<Kind extends { group?: DocumentGroup }> {
  private readonly byKey = new Map<string, Kind>();

  constructor(private readonly create: (role: string) => Kind) {}

  /** The object of `role` that this answer describes (made on first use). */
  of(role: string, answered: AnsweredQuestion): Kind {
    const key = answered.item === undefined ? role : `${role} ${answered.page.id} ${answered.item}`;
    let found = this.byKey.get(key);
    if (!found) {
      found = this.create(role);
      if (answered.item !== undefined) found.group = { page: answered.page.id, item: answered.item + 1 };
      this.byKey.set(key, found);
    }
    return found;
  }

  /** Sets a detail unless an earlier answer gave it (every answer is in `answers` regardless). */
  set<Field extends keyof Kind>(role: string, answered: AnsweredQuestion, field: Field, value: Kind[Field] | undefined): void {
    if (value === undefined || (value as unknown) === '') return;
    const target = this.of(role, answered);
    if (target[field] === undefined) target[field] = value;
  }

  /** The objects in the order they were first described, each with its group last. */
  list(): Kind[] {
    return [...this.byKey.values()].map(({ group, ...rest }) => ({ ...rest, ...(group ? { group } : {}) }) as Kind);
  }
}

/** A text-like answer as a string. */
const textOf = (value: unknown): string | undefined => (nonEmpty(value) ? value : typeof value === 'number' ? String(value) : undefined);

/** The value an answer gives one mapped field. */
function fieldValue(field: string, question: QuestionDefinition, value: unknown): unknown {
  switch (field) {
    case 'address':
      return isRecord(value) ? addressOf(value) : undefined;
    case 'category':
      return choicesOf(question, value)[0];
    case 'value':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? { amount: Math.round(value * 100) / 100, currency: 'GBP' } : undefined;
    default:
      return textOf(value);
  }
}

function addRoles(person: DocumentPerson, roles: PersonRole[]) {
  for (const role of roles) if (!person.roles.includes(role)) person.roles.push(role);
}

/**
 * The report document (schema version 1) of a submitted report: POLE objects from the answers by the
 * `document:` mappings its form's questions declare (and the reporter's details by `reporter:`),
 * every answer as asked and answered, and the metadata the caller passes in. Pure: it reads nothing.
 */
export function buildReportDocument(input: ReportDocumentInput): ReportDocument {
  const { form, answers } = input;
  const persons = new Objects<DocumentPerson>((role) => ({ roles: [role as PersonRole] }));
  const vehicles = new Objects<DocumentVehicle>((role) => ({ role: role as DocumentVehicle['role'] }));
  const property = new Objects<DocumentProperty>((role) => ({ role: role as DocumentProperty['role'] }));
  const locations = new Objects<DocumentLocation>((role) => ({ role: role as DocumentLocation['role'] }));
  const event: DocumentEvent = { type: form.serviceId, categories: [] };
  const descriptions: string[] = [];
  const documentAnswers: ReportDocument['answers'] = [];

  for (const answered of answeredQuestions(form, answers)) {
    const { page, question, value, item } = answered;
    documentAnswers.push({
      page: page.id,
      question: question.id,
      ...(item !== undefined ? { item: item + 1 } : {}),
      type: question.type,
      label: question.label.en,
      value,
      valueText: answerSummary(question, value, 'en'),
    });
    // Repeating groups are refused a reporter declaration by the definition checks; skip one defensively.
    if (question.reporter && item === undefined) persons.set('reporter', answered, question.reporter, fieldValue(question.reporter, question, value) as never);
    const mapping: DocumentMapping | undefined = question.document;
    if (!mapping) continue;
    if ('reporterRoles' in mapping) {
      if (item !== undefined) continue;
      const roles = [value].flat().flatMap((chosen) => (typeof chosen === 'string' && mapping.reporterRoles[chosen] ? [mapping.reporterRoles[chosen]] : []));
      if (roles.length > 0) addRoles(persons.of('reporter', answered), roles);
    } else if ('event' in mapping) {
      if (mapping.event === 'occurredAt') event.occurred ??= occurredOf(value);
      else if (mapping.event === 'category') event.categories.push(...choicesOf(question, value).filter((choice) => !event.categories.some((known) => known.value === choice.value)));
      else if (textOf(value)) descriptions.push(textOf(value)!);
    } else if ('person' in mapping) {
      if (mapping.person === 'reporter' && item !== undefined) continue;
      persons.set(mapping.person, answered, mapping.field, fieldValue(mapping.field, question, value) as never);
    } else if ('vehicle' in mapping) {
      vehicles.set(mapping.vehicle, answered, mapping.field, fieldValue(mapping.field, question, value) as never);
    } else if ('property' in mapping) {
      property.set(mapping.property, answered, mapping.field, fieldValue(mapping.field, question, value) as never);
    } else if ('location' in mapping) {
      const field = mapping.field ?? 'place';
      if (field === 'place') {
        const place = placeOf(value);
        for (const [part, detail] of Object.entries(place)) locations.set(mapping.location, answered, part as keyof DocumentLocation, detail as never);
      } else locations.set(mapping.location, answered, field, textOf(value));
    }
  }
  if (descriptions.length > 0) event.description = descriptions.join('\n\n');

  const { report, routing } = input;
  return {
    schemaVersion: 1,
    id: report.id,
    reference: report.reference,
    force: { slug: input.force.slug, name: input.force.name },
    service: { id: form.serviceId, title: form.title.en },
    formVersion: { id: input.formVersion.id, version: input.formVersion.version, nationalVersion: form.nationalVersion },
    submittedAt: iso(report.submittedAt),
    language: report.language,
    status: report.status,
    event,
    // The reporter first, then everyone else in the order the form asked about them.
    persons: persons.list().sort((a, b) => Number(b.roles.includes('reporter')) - Number(a.roles.includes('reporter'))),
    objects: { vehicles: vehicles.list(), property: property.list() },
    locations: locations.list(),
    answers: documentAnswers,
    routing: {
      queue: routing.queue,
      priority: routing.priority,
      tags: [...routing.tags],
      rule: routing.rule,
      ...(routing.triageBy ? { triageBy: iso(routing.triageBy) } : {}),
      ...(routing.replyBy ? { replyBy: iso(routing.replyBy) } : {}),
    },
    flags: [...new Set(report.flags)],
    duplicates: (input.duplicates ?? []).map((duplicate) => ({ reference: duplicate.reference, reasons: [...duplicate.reasons], status: duplicate.status })),
    triage: (input.triage ?? []).map((decision) => ({
      decision: decision.decision,
      by: { id: decision.by.id, name: decision.by.name },
      at: iso(decision.at),
      ...(decision.note ? { note: decision.note } : {}),
      ...(decision.detail ? { detail: { ...decision.detail } } : {}),
    })),
    evidence: (input.evidence ?? []).map((file) => ({
      id: file.id,
      ...(file.question ? { question: file.question } : {}),
      fileName: file.fileName,
      mediaType: file.mediaType,
      size: file.size,
      sha256: file.sha256,
      scanState: file.scanState,
      ...(file.downloadUrl && file.downloadUrlExpiresAt ? { downloadUrl: file.downloadUrl, downloadUrlExpiresAt: iso(file.downloadUrlExpiresAt) } : {}),
    })),
  };
}
