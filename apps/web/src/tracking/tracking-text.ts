import type { Language } from '@front-counter/tenancy';

type Text = { en: string; cy: string };

/**
 * Every word of the "Track your report" pages, in English and Welsh. The messages about a wrong
 * reference, address or code come from the api (it validates them), in both languages too.
 */
const TEXT = {
  title: { en: 'Track your report', cy: 'Dilyn eich adroddiad' },
  intro: {
    en: 'See what is happening with a report you have made to {force}, read our messages and reply to them.',
    cy: "Gweld beth sy'n digwydd gydag adroddiad rydych wedi'i wneud i {force}, darllen ein negeseuon ac ymateb iddynt.",
  },
  how: {
    en: 'Enter your reference number and the email address you gave with your report. We will email you a code to open it.',
    cy: "Rhowch eich cyfeirnod a'r cyfeiriad e-bost a roesoch gyda'ch adroddiad. Byddwn yn anfon cod atoch drwy e-bost i'w agor.",
  },
  noEmail: {
    en: 'If you did not give an email address, call {nonEmergency} and give your reference number.',
    cy: 'Os na roesoch gyfeiriad e-bost, ffoniwch {nonEmergency} a rhowch eich cyfeirnod.',
  },
  referenceLabel: { en: 'Reference number', cy: 'Cyfeirnod' },
  referenceHint: { en: 'It is on your confirmation email, like 7KQ-2MX-9P4', cy: "Mae ar eich e-bost cadarnhau, fel 7KQ-2MX-9P4" },
  emailLabel: { en: 'Email address', cy: 'Cyfeiriad e-bost' },
  emailHint: { en: 'The one you gave with your report', cy: "Yr un a roesoch gyda'ch adroddiad" },
  sendCode: { en: 'Send me a code', cy: 'Anfon cod ataf' },
  important: { en: 'Important', cy: 'Pwysig' },
  success: { en: 'Success', cy: 'Llwyddiant' },
  expiredHeading: { en: 'Your time to view the report ran out', cy: "Daeth eich amser i weld yr adroddiad i ben" },
  expiredBody: {
    en: 'To keep your report safe, you can view it for 30 minutes at a time. Enter your details again and we will send you a new code.',
    cy: "I gadw eich adroddiad yn ddiogel, gallwch ei weld am 30 munud ar y tro. Rhowch eich manylion eto a byddwn yn anfon cod newydd atoch.",
  },

  codeTitle: { en: 'Enter the code we sent you', cy: 'Rhowch y cod a anfonwyd atoch' },
  codeSent: {
    en: 'If the details match a report, we have sent a code to {email}. It works for 10 minutes.',
    cy: "Os yw'r manylion yn cyfateb i adroddiad, rydym wedi anfon cod i {email}. Mae'n gweithio am 10 munud.",
  },
  codeReference: { en: 'Reference number: {reference}', cy: 'Cyfeirnod: {reference}' },
  codeLabel: { en: 'Code', cy: 'Cod' },
  codeHint: { en: 'The 6-digit code in the email, like 123456', cy: "Y cod 6 digid yn yr e-bost, fel 123456" },
  continue: { en: 'Continue', cy: 'Parhau' },
  notReceived: { en: 'I have not received a code', cy: 'Nid wyf wedi cael cod' },
  notReceivedBody: {
    en: 'The email can take a few minutes to arrive: check your spam or junk folder. We only send a code when the reference number and email address match a report, and at most 3 codes an hour.',
    cy: "Gall yr e-bost gymryd ychydig funudau i gyrraedd: edrychwch yn eich ffolder sbam neu sothach. Dim ond pan fo'r cyfeirnod a'r cyfeiriad e-bost yn cyfateb i adroddiad y byddwn yn anfon cod, a dim mwy na 3 chod yr awr.",
  },
  requestAgain: { en: 'Check your details and ask for a new code', cy: 'Gwiriwch eich manylion a gofyn am god newydd' },

  reportTitle: { en: 'Your report', cy: 'Eich adroddiad' },
  reference: { en: 'Reference number', cy: 'Cyfeirnod' },
  service: { en: 'What it is about', cy: "Am beth mae'n sôn" },
  dateSent: { en: 'Date sent', cy: 'Dyddiad anfon' },
  status: { en: 'Status', cy: 'Statws' },
  'status.AWAITING_TRIAGE': { en: 'Waiting to be looked at', cy: 'Yn aros i rywun edrych arno' },
  'status.AWAITING_REPORTER': { en: 'We need more information from you', cy: 'Mae angen rhagor o wybodaeth arnom gennych' },
  'status.ALLOCATED': { en: 'Passed to a team to investigate', cy: "Wedi'i basio i dîm i ymchwilio" },
  'status.DISPATCHED': { en: 'An officer is on the way', cy: 'Mae swyddog ar ei ffordd' },
  'status.REFERRED': { en: 'Passed to another organisation', cy: "Wedi'i basio i sefydliad arall" },
  'status.CLOSED': { en: 'Closed', cy: 'Wedi cau' },
  needInformation: { en: 'We need more information from you', cy: 'Mae angen rhagor o wybodaeth arnom gennych' },
  needInformationReply: { en: 'Reply using the form below.', cy: "Atebwch gan ddefnyddio'r ffurflen isod." },
  replyHeading: { en: 'Reply or add information', cy: 'Ateb neu ychwanegu gwybodaeth' },
  replyLabel: { en: 'Your message', cy: 'Eich neges' },
  replyHint: {
    en: 'We will add it to your report and someone in our team will read it. In an emergency, call 999.',
    cy: "Byddwn yn ei ychwanegu at eich adroddiad a bydd rhywun yn ein tîm yn ei ddarllen. Mewn argyfwng, ffoniwch 999.",
  },
  sendReply: { en: 'Send message', cy: 'Anfon neges' },
  replied: { en: 'Your message has been sent. The report is back with our team.', cy: "Mae eich neges wedi'i hanfon. Mae'r adroddiad yn ôl gyda'n tîm." },
  timelineHeading: { en: 'What has happened', cy: 'Beth sydd wedi digwydd' },
  timelineOrder: { en: 'The newest step is first.', cy: "Mae'r cam diweddaraf yn gyntaf." },
  'event.submitted': { en: 'You sent your report', cy: 'Fe anfonoch eich adroddiad' },
  'event.transferred': { en: 'Passed from {from} to {to}', cy: "Wedi'i basio o {from} i {to}" },
  'event.received': { en: '{to} received your report', cy: 'Cafodd {to} eich adroddiad' },
  'event.reporter-replied': { en: 'You sent us a message', cy: 'Fe anfonoch neges atom' },
  'event.evidence-added': { en: 'You added a file', cy: 'Fe wnaethoch ychwanegu ffeil' },
  'event.evidence-unprocessable': { en: 'A file you sent could not be processed', cy: "Nid oedd modd prosesu ffeil a anfonoch" },
  fileUnprocessable: {
    en: 'The file may be damaged, or it is not a photo we can open, so our team cannot see it. If you still have it, add another copy below.',
    cy: "Efallai fod y ffeil wedi'i difrodi, neu nad yw'n llun y gallwn ei agor, felly ni all ein tîm ei gweld. Os yw hi gennych o hyd, ychwanegwch gopi arall isod.",
  },
  fileLabel: { en: 'File', cy: 'Ffeil' },
  filesHeading: { en: 'Add photos, videos or documents', cy: 'Ychwanegu lluniau, fideos neu ddogfennau' },
  filesLabel: { en: 'Files', cy: 'Ffeiliau' },
  filesHint: {
    en: 'You can add up to 10 files: photos (JPG, PNG, WebP or GIF) smaller than 20 MB, videos (MP4, MOV, AVI, WebM, MKV or 3GP) smaller than 2 GB, or documents (PDF, Word, OpenDocument or RTF) smaller than 20 MB.',
    cy: "Gallwch ychwanegu hyd at 10 ffeil: lluniau (JPG, PNG, WebP neu GIF) llai na 20 MB, fideos (MP4, MOV, AVI, WebM, MKV neu 3GP) llai na 2 GB, neu ddogfennau (PDF, Word, OpenDocument neu RTF) llai na 20 MB.",
  },
  uploadFiles: { en: 'Upload files', cy: 'Llwytho ffeiliau' },
  uploading: { en: 'Uploading: {percent}% sent. Keep this page open.', cy: "Wrthi'n llwytho: {percent}% wedi'i anfon. Cadwch y dudalen hon ar agor." },
  uploadFailed: { en: 'The upload did not finish. Check your connection and try again.', cy: 'Ni orffennodd y llwytho. Gwiriwch eich cysylltiad a rhowch gynnig arall arni.' },
  chooseFile: { en: 'Select a file to upload', cy: "Dewiswch ffeil i'w llwytho" },
  filesAdded: { en: 'Your files have been added to your report.', cy: "Mae eich ffeiliau wedi'u hychwanegu at eich adroddiad." },
  'event.decision:allocate': { en: 'Passed to a team to investigate', cy: "Wedi'i basio i dîm i ymchwilio" },
  'event.decision:dispatch': { en: 'An officer was sent', cy: 'Anfonwyd swyddog' },
  'event.decision:transfer': { en: 'Passed to another police force', cy: "Wedi'i basio i heddlu arall" },
  'event.decision:refer': { en: 'Passed to another organisation', cy: "Wedi'i basio i sefydliad arall" },
  'event.decision:request-information': { en: 'We asked you for more information', cy: 'Gofynnom i chi am ragor o wybodaeth' },
  'event.decision:close': { en: 'Report closed', cy: "Adroddiad wedi'i gau" },
  'event.other': { en: 'Update on your report', cy: "Diweddariad ar eich adroddiad" },
  anotherForce: { en: 'another police force', cy: 'heddlu arall' },
  ourMessage: { en: 'Our message to you', cy: 'Ein neges i chi' },
  yourMessage: { en: 'Your message', cy: 'Eich neges' },
  dateTime: { en: '{date} at {time}', cy: '{date} am {time}' },
  sessionEnds: { en: 'To keep your report safe, you will be signed out at {time}.', cy: "I gadw eich adroddiad yn ddiogel, byddwch yn cael eich allgofnodi am {time}." },
  signOut: { en: 'Sign out of this report', cy: "Allgofnodi o'r adroddiad hwn" },
  urgent: {
    en: 'If you need to tell us something urgently, call {nonEmergency}. In an emergency, call 999.',
    cy: 'Os oes angen i chi ddweud rhywbeth wrthym ar frys, ffoniwch {nonEmergency}. Mewn argyfwng, ffoniwch 999.',
  },

  signedOutTitle: { en: 'You have signed out of your report', cy: "Rydych wedi allgofnodi o'ch adroddiad" },
  signedOutBody: {
    en: 'To see it again, enter your reference number and email address and we will send you a new code.',
    cy: "I'w weld eto, rhowch eich cyfeirnod a'ch cyfeiriad e-bost a byddwn yn anfon cod newydd atoch.",
  },
  trackAgain: { en: 'Track your report again', cy: 'Dilyn eich adroddiad eto' },
  home: { en: 'Go to the home page', cy: "Mynd i'r hafan" },
  back: { en: 'Back', cy: 'Yn ôl' },
  errorTitle: { en: 'There is a problem', cy: 'Mae problem wedi codi' },
  errorPrefix: { en: 'Error: ', cy: 'Gwall: ' },
  error: { en: 'Error', cy: 'Gwall' },

  // The links to these pages from the home page and a report's confirmation page.
  'link.home': { en: 'Track a report you have made', cy: "Dilyn adroddiad rydych wedi'i wneud" },
  'link.confirmation': { en: 'Track your report and read our messages', cy: 'Dilyn eich adroddiad a darllen ein negeseuon' },
  'link.confirmationIntro': {
    en: 'You can see what is happening with your report, and reply to us, with your reference number and email address:',
    cy: "Gallwch weld beth sy'n digwydd gyda'ch adroddiad, ac ateb i ni, gyda'ch cyfeirnod a'ch cyfeiriad e-bost:",
  },
} satisfies Record<string, Text>;
/** For the catalogues' test: every text has its Welsh. */
export { TEXT as TRACKING_TEXT };

export type TrackingTextKey = keyof typeof TEXT;

export function isTrackingTextKey(key: string): key is TrackingTextKey {
  return Object.hasOwn(TEXT, key);
}

/** A text in `language` with its `{placeholders}` filled. */
export function trackingText(language: Language, key: TrackingTextKey, params: Record<string, string | number> = {}): string {
  return TEXT[key][language].replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

/** The character count's own messages (its JavaScript's, and the no-JavaScript limit sentence) in Welsh. */
export const WELSH_CHARACTER_COUNT = {
  textareaDescriptionText: 'Gallwch roi hyd at %{count} o nodau',
  charactersUnderLimitText: { zero: 'Mae gennych %{count} nod ar ôl', one: 'Mae gennych %{count} nod ar ôl', two: 'Mae gennych %{count} nod ar ôl', few: 'Mae gennych %{count} nod ar ôl', many: 'Mae gennych %{count} nod ar ôl', other: 'Mae gennych %{count} o nodau ar ôl' },
  charactersAtLimitText: 'Mae gennych 0 nod ar ôl',
  charactersOverLimitText: { zero: 'Mae gennych %{count} nod yn ormod', one: 'Mae gennych %{count} nod yn ormod', two: 'Mae gennych %{count} nod yn ormod', few: 'Mae gennych %{count} nod yn ormod', many: 'Mae gennych %{count} nod yn ormod', other: 'Mae gennych %{count} o nodau yn ormod' },
};
