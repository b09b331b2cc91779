import { randomBytes } from 'node:crypto';
import { graphqlAs } from './graphql.js';

type Values = Record<string, string | string[]>;
/** Answers by page id; a repeating page (like stolen items) takes a list, one entry per item. */
export type PageAnswers = Record<string, Values | Values[]>;

/**
 * Sends a report through the public api as a force site would: starts the journey, answers whatever
 * page the journey asks for next from `answers` (by page id), accepts the declaration. Fails naming
 * the page when `answers` has nothing for it, so a test states exactly the path it takes.
 */
export async function submitThroughApi(apiUrl: string, host: string, serviceId: string, answers: PageAnswers): Promise<{ reference: string; session: string }> {
  const { session } = await answerThroughApi(apiUrl, host, serviceId, answers, 'declaration');
  return { reference: await sendThroughApi(apiUrl, host, serviceId, session), session };
}

/**
 * Starts a journey (or, given `session`, carries on with it) and answers each page it asks for from
 * `answers` until it reaches `stopAt`. Fails naming the page when `answers` has nothing for it.
 */
export async function answerThroughApi(apiUrl: string, host: string, serviceId: string, answers: PageAnswers, stopAt: string, existing?: string): Promise<{ session: string }> {
  const session = existing ?? randomBytes(32).toString('base64url');
  const api = (query: string, variables: Record<string, unknown>) => graphqlAs(apiUrl, host, query, variables);
  let current: string;
  if (existing) {
    const found = await api(`query($s: String!, $t: String!) { journey(serviceId: $s, session: $t) { current } }`, { s: serviceId, t: session });
    current = found.data.journey.current;
  } else {
    const started = await api(`mutation($s: String!, $t: String!) { startJourney(serviceId: $s, session: $t, language: en) { current } }`, { s: serviceId, t: session });
    if (!started.data) throw new Error(`startJourney failed: ${JSON.stringify(started.errors)}`);
    current = started.data.startJourney.current;
  }
  for (let step = 0; step < 100 && current !== stopAt; step++) {
    const values = answers[current] ?? (current === 'check-answers' ? {} : undefined);
    if (!values) throw new Error(`No answers given for page "${current}" of ${serviceId}`);
    const OUTCOME = `journey { current } errors { field message { en } }`;
    let outcome;
    if (Array.isArray(values)) {
      for (const [index, item] of values.entries()) {
        outcome = await api(`mutation($s: String!, $t: String!, $p: String!, $i: Int!, $v: JSON!) { result: answerRepeatItem(serviceId: $s, session: $t, pageId: $p, index: $i, values: $v) { ${OUTCOME} } }`, { s: serviceId, t: session, p: current, i: index, v: item });
        if (outcome.data?.result.errors.length) break;
      }
      if (!outcome?.data?.result.errors.length) outcome = await api(`mutation($s: String!, $t: String!, $p: String!) { result: finishRepeat(serviceId: $s, session: $t, pageId: $p) { ${OUTCOME} } }`, { s: serviceId, t: session, p: current });
    } else {
      outcome = await api(`mutation($s: String!, $t: String!, $p: String!, $v: JSON!) { result: answerPage(serviceId: $s, session: $t, pageId: $p, values: $v) { ${OUTCOME} } }`, { s: serviceId, t: session, p: current, v: values });
    }
    const result = outcome?.data?.result;
    if (!result || result.errors.length > 0) throw new Error(`Page "${current}" refused its answers: ${JSON.stringify(result?.errors ?? outcome?.errors)}`);
    current = result.journey.current;
  }
  return { session };
}

/** Accepts the declaration; returns the reference. */
export async function sendThroughApi(apiUrl: string, host: string, serviceId: string, session: string): Promise<string> {
  const sent = await graphqlAs(apiUrl, host, `mutation($s: String!, $t: String!) { submitReport(serviceId: $s, session: $t, values: { confirm: "yes" }) { reference errors { field } } }`, { s: serviceId, t: session });
  const reference = sent.data?.submitReport.reference;
  if (!reference) throw new Error(`submitReport failed: ${JSON.stringify(sent.data?.submitReport.errors ?? sent.errors)}`);
  return reference;
}

/** A theft reported to report-a-crime; `where` may carry a point (latitude, longitude). */
export function theftAnswers(options: { where?: { latitude: number; longitude: number }; email?: string; description?: string } = {}): PageAnswers {
  const yesterday = new Date(Date.now() - 24 * 3600_000);
  const point: Record<string, string> = options.where ? { 'incidentLocation-latitude': String(options.where.latitude), 'incidentLocation-longitude': String(options.where.longitude) } : {};
  return {
    emergency: { emergency: 'no' },
    'reporting-as': { reportingAs: 'victim' },
    'crime-type': { crimeType: 'theft' },
    'theft-force': { forceOrThreats: 'no' },
    'stolen-items': [{ itemDescription: 'A blue Raleigh bicycle', itemValue: '350' }],
    'incident-when': { 'incidentWhen-kind': 'exact', 'incidentWhen-day': String(yesterday.getDate()), 'incidentWhen-month': String(yesterday.getMonth() + 1), 'incidentWhen-year': String(yesterday.getFullYear()), 'incidentWhen-time': '14:30' },
    'incident-where': { 'incidentLocation-kind': 'description', 'incidentLocation-description': options.description ?? 'The bicycle racks outside the library on High Street', ...point },
    // Eastmarch's own page (its overlay of the crime report).
    'eastmarch-shopwatch': { eastmarchShopwatch: 'no' },
    'what-happened': { incidentDescription: 'My bicycle was taken from the rack while I was inside the library.' },
    'suspects-known': { suspectKnown: 'no' },
    'witnesses-known': { witnessesKnown: 'no' },
    'evidence-known': { evidenceAvailable: 'no' },
    'support-needs': { supportNeeds: 'none' },
    'your-details': {
      fullName: 'Sam Reporter',
      'dateOfBirth-day': '4',
      'dateOfBirth-month': '7',
      'dateOfBirth-year': '1985',
      'address-line1': '1 Mill Lane',
      'address-town': 'Northby',
      'address-postcode': 'NE1 4XF',
      email: options.email ?? 'sam@example.com',
    },
    'contact-preference': { contactMethod: 'email' },
  };
}

/** submit-dashcam-footage up to its upload page (and after it): a driver on a phone, seen three days ago. */
export function dashcamAnswers(): PageAnswers {
  const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600_000);
  return {
    emergency: { emergency: 'no' },
    'offence-type': { offenceType: 'mobile-phone' },
    'witness-statement': { willingToGiveStatement: 'yes' },
    involvement: { involvement: 'driver' },
    when: { 'offenceWhen-kind': 'exact', 'offenceWhen-day': String(threeDaysAgo.getDate()), 'offenceWhen-month': String(threeDaysAgo.getMonth() + 1), 'offenceWhen-year': String(threeDaysAgo.getFullYear()) },
    where: { 'offenceLocation-kind': 'description', 'offenceLocation-description': 'A470 northbound, just after the Llanaber roundabout' },
    vehicle: { vehicleRegistration: 'AB12 CDE', vehicleMake: 'Ford', vehicleColour: 'Silver' },
    'what-happened': { whatHappened: 'The driver of the silver Ford was holding a phone to their ear at the lights, at 0 minutes 40 seconds.' },
    upload: {},
    unedited: { footageUnedited: 'yes' },
    'your-details': { fullName: 'Rhian Evans', 'dateOfBirth-day': '12', 'dateOfBirth-month': '5', 'dateOfBirth-year': '1979', 'address-line1': '4 Heol y Bont', 'address-town': 'Aberdyffryn' },
    'contact-details': { email: 'rhian@example.com', phone: '07700 900982' },
  };
}

/** contact-us page by page, in order up to and including check your answers: a compliment from Alex Reporter. */
export function contactUsSteps(): [string, Record<string, string>][] {
  return [
    ['emergency', { emergency: 'no' }],
    ['contact-reason', { contactReason: 'compliment' }],
    ['message', { message: 'Thank you to PC Jones for her help.' }],
    ['your-details', { fullName: 'Alex Reporter', email: 'alex@example.com' }],
    ['check-answers', {}],
  ];
}
