import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import {
  answer,
  answerExactly,
  choose,
  continueOn,
  pressButton,
  declareAndSend,
  fill,
  fillDate,
  follow,
  heading,
  pagesAuditedOn,
  pathOf,
  reportCount,
  saveForLater,
  startService,
  storedReport,
  violationsOn,
  visit,
  withoutJavaScript,
} from '../support/journey-steps.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The public journeys in Chromium, as a reporter goes through them: real api, force sites and
 * database. Every page a journey lands on is checked with axe-core (WCAG 2.2 AA tags); a test fails
 * if any page had a serious or critical violation. Each test has its own browser context.
 */

const REFERENCE = /^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/;
const LAST_SPRING = { day: 14, month: 3, year: 2025 };
const BIRTHDAY = { day: 27, month: 3, year: 1985 };

let stack: TestStack;
let browser: Browser;
let contexts: BrowserContext[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});
afterEach(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  contexts = [];
});

/** A page in a browser context of its own (fresh cookies). */
async function freshPage(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  return options.javaScriptEnabled === false ? withoutJavaScript(page) : page;
}

/** The reference is on the confirmation page and in the database, under the force and the force's current form version for the service. */
async function expectStored(page: Page, reference: string, tenant: string, serviceId: string) {
  expect(pathOf(page)).toBe(`/${serviceId}/confirmation`);
  expect(reference).toMatch(REFERENCE);
  const report = await storedReport(stack.database.urls.admin, reference);
  expect(report).toBeDefined();
  expect(report).toMatchObject({ tenant, serviceId });
  expect(report!.formVersionId).toBe(report!.currentFormVersionId);
  return report!;
}

describe('Report a crime', () => {
  it('northshire, in English: a theft with a second stolen item added through "add another", stored under northshire', async () => {
    const page = await freshPage();
    await startService(page, `${stack.siteUrl('northshire')}report-a-crime`);
    expect(pathOf(page)).toBe('/report-a-crime/emergency');
    await answer(page, { label: 'No' });
    await answer(page, { label: 'I am the victim' });
    await answer(page, { label: 'Theft (not from a vehicle)' });
    await answer(page, { label: 'No' }); // no force or threats: not a robbery

    expect(await heading(page)).toBe('What was stolen');
    await follow(page, 'Add item');
    expect(await heading(page)).toBe('Item 1');
    await answer(page, { fields: { 'Describe the item': 'Black Apple iPhone 14 in a red case', 'Estimated value in pounds': '650', 'Serial number or identifying marks (optional)': 'IMEI 356938035643809' } });
    expect(pathOf(page)).toBe('/report-a-crime/stolen-items');
    await follow(page, 'Add another item');
    expect(await heading(page)).toBe('Item 2');
    await answer(page, { fields: { 'Describe the item': 'Blue Raleigh mountain bike', 'Estimated value in pounds': '300' } });
    const items = page.locator('.govuk-summary-list');
    expect(await items.textContent()).toContain('Black Apple iPhone 14 in a red case');
    expect(await items.textContent()).toContain('Blue Raleigh mountain bike');
    await continueOn(page);

    await answerExactly(page, 'I know exactly when', LAST_SPRING);
    await choose(page, 'I know the address');
    await fill(page, 'Address line 1', '12 Market Street');
    await fill(page, 'Town or city', 'Northtown');
    await continueOn(page);
    await answer(page, { fields: { 'What happened?': 'I put my phone down on the bench outside the library and my bike was locked beside it. When I came back both had gone.' } });
    await answer(page, { label: 'No' }); // who did it
    await answer(page, { label: 'No' }); // witnesses
    await answer(page, { label: 'No' }); // evidence
    await answer(page, { label: 'None of these' });

    expect(await heading(page)).toBe('Your details');
    await fill(page, 'Full name', 'Sam Taylor');
    await fillDate(page, 'Date of birth', BIRTHDAY);
    await fill(page, 'Address line 1', '3 Orchard Close', { within: 'Address' });
    await fill(page, 'Town or city', 'Northtown', { within: 'Address' });
    await fill(page, 'Email address', 'sam.taylor@example.com');
    await continueOn(page);
    await answer(page, { label: 'Email' });

    expect(await heading(page)).toBe('Check your answers before sending your report');
    const summary = await page.locator('main').textContent();
    expect(summary).toContain('Theft (not from a vehicle)');
    expect(summary).toContain('Blue Raleigh mountain bike');
    await continueOn(page);
    expect(await heading(page)).toBe('Send your report');
    const reference = await declareAndSend(page);

    expect(await heading(page)).toContain('Report sent');
    const report = await expectStored(page, reference, 'northshire', 'report-a-crime');
    expect(report).toMatchObject({ reporterName: 'Sam Taylor', reporterEmail: 'sam.taylor@example.com', language: 'en' });
    expect((report.answers['stolen-items'] as { items: unknown[] }).items).toHaveLength(2);
    expect(violationsOn(page)).toEqual([]);
  }, 120_000);

  it('dyffryn, in Welsh: criminal damage, stored under dyffryn in Welsh', async () => {
    const page = await freshPage();
    await startService(page, `${stack.siteUrl('dyffryn')}report-a-crime?lang=cy`);
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    expect(await heading(page)).toBe('A oes rhywun mewn perygl uniongyrchol, neu a oes trosedd yn digwydd nawr?');
    await answer(page, { label: 'Na' });
    await answer(page, { label: "Fi yw'r dioddefwr" });
    await answer(page, { label: 'Difrod troseddol, gan gynnwys graffiti' });
    await answer(page, { label: 'Na' }); // not by fire: not arson

    expect(await heading(page)).toBe("Ynglŷn â'r difrod");
    await answer(page, { fields: { 'Beth gafodd ei ddifrodi?': 'Ffenestr flaen y siop a graffiti ar y drws', "Amcangyfrif o'r gost atgyweirio mewn punnoedd (dewisol)": '450' } });
    await answerExactly(page, "Rwy'n gwybod yn union pryd", LAST_SPRING);
    await choose(page, 'Disgrifiwch y lle, er enghraifft parc neu ddarn o ffordd');
    await fill(page, "Disgrifiad o'r lle", "Y siop bapurau ar gornel y Stryd Fawr");
    await continueOn(page);
    await answer(page, { fields: { 'Beth ddigwyddodd?': 'Torrodd rhywun ffenestr y siop yn ystod y nos a phaentio graffiti ar y drws.' } });
    await answer(page, { label: 'Na' }); // who did it
    await answer(page, { label: 'Na' }); // witnesses
    await answer(page, { label: 'Na' }); // evidence
    await answer(page, { label: "Dim un o'r rhain" });

    expect(await heading(page)).toBe('Eich manylion');
    await fill(page, 'Enw llawn', 'Alys Hughes');
    await fillDate(page, 'Dyddiad geni', BIRTHDAY);
    await fill(page, 'Llinell 1 y cyfeiriad', '5 Heol y Bont', { within: 'Cyfeiriad' });
    await fill(page, 'Tref neu ddinas', 'Llanaber', { within: 'Cyfeiriad' });
    await fill(page, 'Cyfeiriad e-bost', 'alys.hughes@example.com');
    await continueOn(page);
    await answer(page, { label: 'E-bost' });

    expect(await heading(page)).toBe('Gwiriwch eich atebion cyn anfon eich adroddiad');
    expect(await page.locator('main').textContent()).toContain('Difrod troseddol, gan gynnwys graffiti');
    await continueOn(page);
    expect(await heading(page)).toBe('Anfon eich adroddiad');
    const reference = await declareAndSend(page);

    expect(await heading(page)).toContain("Adroddiad wedi'i anfon");
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    const report = await expectStored(page, reference, 'dyffryn', 'report-a-crime');
    expect(report).toMatchObject({ reporterName: 'Alys Hughes', reporterEmail: 'alys.hughes@example.com', language: 'cy' });
    expect(JSON.stringify(report.answers)).toContain('criminal-damage');
    expect(violationsOn(page)).toEqual([]);
  }, 120_000);

  it('sends fraud to Action Fraud: an exit page with the Action Fraud link, and nothing is stored', async () => {
    const reportsBefore = await reportCount(stack.database.urls.admin, 'northshire', 'report-a-crime');
    const page = await freshPage();
    await startService(page, `${stack.siteUrl('northshire')}report-a-crime`);
    await answer(page, { label: 'No' });
    await answer(page, { label: 'I am the victim' });
    await answer(page, { label: 'Fraud or cyber crime' });

    expect(pathOf(page)).toBe('/report-a-crime/action-fraud');
    expect(await heading(page)).toBe('Report fraud and cyber crime to Action Fraud');
    const actionFraud = page.getByRole('button', { name: 'Report fraud or cyber crime to Action Fraud' });
    expect(await actionFraud.getAttribute('href')).toBe('https://www.actionfraud.police.uk/');
    expect(await page.getByRole('button', { name: 'Continue' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Save and come back later' }).count()).toBe(0);
    expect(await reportCount(stack.database.urls.admin, 'northshire', 'report-a-crime')).toBe(reportsBefore);
    expect(violationsOn(page)).toEqual([]);
  });

  it.each([
    { slug: 'northshire', start: 'report-a-crime', yes: 'Yes', title: 'Call 999 now', body: 'press 55' },
    { slug: 'dyffryn', start: 'contact-us?lang=cy', yes: 'Ie', title: 'Ffoniwch 999 nawr', body: 'Peidiwch â defnyddio' },
  ])('$slug: "yes" on the first page shows "$title" and asks nothing more', async ({ slug, start, yes, title, body }) => {
    const page = await freshPage();
    await startService(page, `${stack.siteUrl(slug)}${start}`);
    await answer(page, { label: yes });

    expect(pathOf(page)).toMatch(/\/call-999$/);
    expect(await heading(page)).toBe(title);
    expect(await page.locator('main').textContent()).toContain(body);
    expect(await page.locator('main form').count()).toBe(0);
    expect(violationsOn(page)).toEqual([]);
  });
});

describe('Tell us about a possible crime', () => {
  it('can be sent anonymously: "no" to giving details skips them and no name or email is stored', async () => {
    const page = await freshPage();
    await startService(page, `${stack.siteUrl('northshire')}tell-us-about-possible-crime`);
    await answer(page, { label: 'No' });
    await answer(page, { label: 'Drug dealing' });
    await choose(page, 'Describe the place, for example a park or a stretch of road');
    await fill(page, 'Description of the place', 'The alley behind the Crown pub on Mill Lane');
    await continueOn(page);
    await answerExactly(page, 'I know exactly when', LAST_SPRING);
    expect(await heading(page)).toBe('People involved');
    await continueOn(page); // nobody to add
    expect(await heading(page)).toBe('Vehicles involved');
    await continueOn(page);
    await answer(page, { fields: { 'What do you know?': 'Cars stop in the alley every evening around 9pm and people hand over small packages.' } });
    await answer(page, { label: 'I saw or heard it myself' });
    expect(await heading(page)).toBe('Giving your details');
    await answer(page, { label: 'No, I want to stay anonymous' });

    expect(pathOf(page)).toBe('/tell-us-about-possible-crime/check-answers');
    await continueOn(page);
    expect(await heading(page)).toBe('Send your information');
    const reference = await declareAndSend(page);

    expect(pagesAuditedOn(page)).not.toContain('/tell-us-about-possible-crime/your-details');
    expect(await page.locator('main').textContent()).not.toContain('We have sent a confirmation');
    const report = await expectStored(page, reference, 'northshire', 'tell-us-about-possible-crime');
    expect(report.reporterName).toBeNull();
    expect(report.reporterEmail).toBeNull();
    expect(report.answers['your-details']).toBeUndefined();
    expect(violationsOn(page)).toEqual([]);
  }, 120_000);
});

describe('Submit dashcam footage', () => {
  it('reaches the upload page, which offers a file input for video and photos', async () => {
    const page = await freshPage();
    await startService(page, `${stack.siteUrl('dyffryn')}submit-dashcam-footage`);
    await answer(page, { label: 'No' });
    await answer(page, { label: 'Using a mobile phone while driving' });
    await answer(page, { label: 'Yes' }); // willing to give a statement
    await answer(page, { label: 'I was driving a vehicle' });
    const threeDaysAgo = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000);
    await answerExactly(page, 'I know exactly when', { day: threeDaysAgo.getDate(), month: threeDaysAgo.getMonth() + 1, year: threeDaysAgo.getFullYear() });
    await choose(page, 'Describe the place, for example a park or a stretch of road');
    await fill(page, 'Description of the place', 'A470 northbound, just after the Llanaber roundabout');
    await continueOn(page);
    expect(await heading(page)).toBe('The vehicle you are reporting');
    await answer(page, { fields: { 'Registration number': 'AB12 CDE', Make: 'Ford', Colour: 'Silver' } });
    await answer(page, { fields: { 'Describe what happened': 'The driver of the silver Ford was holding a phone to their ear at the lights, at 0 minutes 40 seconds.' } });

    expect(pathOf(page)).toBe('/submit-dashcam-footage/upload');
    expect(await heading(page)).toBe('Upload your footage');
    const files = page.getByLabel('Video or photo files', { exact: true });
    expect(await files.getAttribute('type')).toBe('file');
    expect(await files.isVisible()).toBe(true);
    expect(await files.getAttribute('accept')).toBe('video/*,image/*');
    expect(await files.getAttribute('multiple')).not.toBeNull();
    expect(violationsOn(page)).toEqual([]);
  }, 120_000);
});

describe('Save and come back later', () => {
  it('gives a link that resumes the report in a fresh browser, where it can be finished', async () => {
    const first = await freshPage();
    await startService(first, `${stack.siteUrl('northshire')}report-a-crime`);
    await answer(first, { label: 'No' });
    await answer(first, { label: 'I am the victim' });
    await answer(first, { label: 'Harassment or stalking' });
    await choose(first, 'Text messages or messaging apps');
    await choose(first, 'Following or watching');
    await continueOn(first);
    await answer(first, { label: 'A stranger' });
    expect(pathOf(first)).toBe('/report-a-crime/incident-when');

    const resumeLink = await saveForLater(first);
    expect(await heading(first)).toBe('Save and come back later');
    expect(await first.locator('main').textContent()).toContain('Your answers are saved');
    expect(resumeLink).toMatch(/\/resume\/[^/]+$/);

    const later = await freshPage();
    expect(await later.context().cookies()).toEqual([]);
    await visit(later, resumeLink);
    expect(new URL(later.url()).host).toBe(new URL(stack.siteUrl('northshire')).host);
    // Opening the link only offers to continue (a mail scanner fetching it takes nothing); the button does.
    await pressButton(later, 'Continue your report now');
    expect(pathOf(later)).toBe('/report-a-crime/incident-when');

    await answerExactly(later, 'I know exactly when', LAST_SPRING);
    await choose(later, 'I know the address');
    await fill(later, 'Address line 1', '40 Station Road');
    await fill(later, 'Town or city', 'Northtown');
    await continueOn(later);
    await answer(later, { fields: { 'What happened?': 'A man I do not know has followed me home from the station three times and sends me messages.' } });
    await answer(later, { label: 'No' }); // who did it
    await answer(later, { label: 'No' }); // witnesses
    await answer(later, { label: 'No' }); // evidence
    await answer(later, { label: 'None of these' });
    await fill(later, 'Full name', 'Jo Bloggs');
    await fillDate(later, 'Date of birth', BIRTHDAY);
    await fill(later, 'Address line 1', '9 Elm Grove', { within: 'Address' });
    await fill(later, 'Town or city', 'Northtown', { within: 'Address' });
    await fill(later, 'Email address', 'jo.bloggs@example.com');
    await continueOn(later);
    await answer(later, { label: 'Email' });

    // The answers given before saving are part of the resumed report.
    expect(await heading(later)).toBe('Check your answers before sending your report');
    const summary = await later.locator('main').textContent();
    expect(summary).toContain('Harassment or stalking');
    expect(summary).toContain('Text messages or messaging apps');
    expect(summary).toContain('A stranger');
    await continueOn(later);
    const reference = await declareAndSend(later);

    const report = await expectStored(later, reference, 'northshire', 'report-a-crime');
    expect(report).toMatchObject({ reporterName: 'Jo Bloggs', reporterEmail: 'jo.bloggs@example.com' });
    expect(JSON.stringify(report.answers)).toContain('harassment');
    expect(violationsOn(first, later)).toEqual([]);
  }, 120_000);
});

describe('Without JavaScript', () => {
  it('a message can be sent through Contact us with JavaScript disabled', async () => {
    const page = await freshPage({ javaScriptEnabled: false });
    await startService(page, `${stack.siteUrl('northshire')}contact-us`);
    expect(await page.locator('body').getAttribute('class')).not.toContain('govuk-frontend-supported');
    await answer(page, { label: 'No' });
    await answer(page, { label: 'Ask a question' });
    await answer(page, { fields: { 'Your message': 'How do I get back a bike you recovered last week?' } });
    await answer(page, { fields: { 'Full name': 'Pat Jones', 'Email address': 'pat.jones@example.com' } });
    expect(await heading(page)).toBe('Check your answers before sending your report');
    await continueOn(page);
    const reference = await declareAndSend(page);

    const report = await expectStored(page, reference, 'northshire', 'contact-us');
    expect(report).toMatchObject({ reporterName: 'Pat Jones', reporterEmail: 'pat.jones@example.com' });
    expect(violationsOn(page)).toEqual([]);
  }, 120_000);
});

describe('Errors on a question page', () => {
  it('shows the GOV.UK error summary linking to each field, and keeps what was typed when another field is wrong', async () => {
    const page = await freshPage();
    await startService(page, `${stack.siteUrl('northshire')}contact-us`);

    // Nothing chosen on the first page.
    await continueOn(page);
    expect(await page.title()).toMatch(/^Error: /);
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.isVisible()).toBe(true);
    expect(await summary.getByRole('heading').textContent()).toContain('There is a problem');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))).toBe(true);
    const emergencyLink = summary.getByRole('link', { name: 'Select yes if someone is in immediate danger or a crime is happening now' });
    expect(await emergencyLink.getAttribute('href')).toBe('#emergency');
    await emergencyLink.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('emergency');
    await answer(page, { label: 'No' });
    await answer(page, { label: 'Ask a question' });
    await answer(page, { fields: { 'Your message': 'When is the front counter at Northtown station open?' } });

    // "Your details" sent empty: one link per required field.
    expect(await heading(page)).toBe('Your details');
    await continueOn(page);
    expect(await summary.getByRole('link').evaluateAll((links) => links.map((link) => [link.textContent?.trim(), link.getAttribute('href')]))).toEqual([
      ['Enter your full name', '#fullName'],
      ['Enter your email address', '#email'],
    ]);
    expect(await page.locator('#fullName-error').textContent()).toContain('Enter your full name');

    // A good name and a bad email address: the name is kept, and the email as typed.
    await fill(page, 'Full name', 'Sam Taylor');
    await fill(page, 'Email address', 'sam.taylor@example');
    await continueOn(page);
    expect(pathOf(page)).toBe('/contact-us/your-details');
    const links = summary.getByRole('link');
    expect(await links.count()).toBe(1);
    expect(await links.first().getAttribute('href')).toBe('#email');
    expect(await page.getByLabel('Full name', { exact: true }).inputValue()).toBe('Sam Taylor');
    expect(await page.getByLabel('Email address', { exact: true }).inputValue()).toBe('sam.taylor@example');
    await links.first().click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');

    await fill(page, 'Email address', 'sam.taylor@example.com');
    await continueOn(page);
    expect(pathOf(page)).toBe('/contact-us/check-answers');
    expect(violationsOn(page)).toEqual([]);
  }, 120_000);
});
