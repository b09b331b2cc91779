import path from 'node:path';
import { serviceDefinition } from '../../../test/factories/service-definition.js';
import { compileForm, formHash, OverlayError } from './compile.js';
import { parseServiceDefinition } from './national-services.js';
import { overlaySchema } from './overlay.schema.js';

const withRetention = () => serviceDefinition({ retention: { defaultDays: 365, maximumDays: 1095 } });
const overlay = (days: number) => overlaySchema.parse({ service: 'test-service', basedOnVersion: 1, retention: { days } });

describe('retention in a service definition and a force overlay', () => {
  it('lets a force lengthen the national period up to the maximum, and shows it in the force’s form', () => {
    expect(compileForm(withRetention(), overlay(1095)).retention).toEqual({ days: 1095 });
    expect(compileForm(withRetention(), overlay(365)).retention).toEqual({ days: 365 });
  });

  it('leaves a form without a force period as it was, so no new version is published for it', () => {
    const form = compileForm(withRetention());
    expect('retention' in form).toBe(false);
    expect(formHash(form)).toBe(formHash(compileForm(serviceDefinition())));
  });

  it('refuses a shorter period, a longer one than the maximum, or one for a service with none, naming the service and the bound', () => {
    const problems = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as OverlayError).problems;
      }
      return [];
    };
    expect(problems(() => compileForm(withRetention(), overlay(364)))).toEqual([
      "retention.days: 364 days is shorter than test-service's national retention period of 365 days; a force may only lengthen it (up to 1095 days)",
    ]);
    expect(problems(() => compileForm(withRetention(), overlay(1096)))).toEqual(['retention.days: 1096 days is longer than test-service allows: its national maximum is 1095 days']);
    expect(problems(() => compileForm(serviceDefinition(), overlay(400)))).toEqual(['retention.days: test-service version 1 sets no national retention period, so a force cannot change it']);
    expect(() => overlay(0)).toThrow();
    expect(() => overlay(1.5)).toThrow(/whole number of days/);
  });

  it('needs a maximum at least the default, and a period in every national service file', () => {
    expect(() => serviceDefinition({ retention: { defaultDays: 400, maximumDays: 300 } })).toThrow(/at least defaultDays/);
    const yaml = `
id: quiet
version: 1
title: { en: Quiet, cy: Tawel }
summary: { en: Quiet, cy: Tawel }
startPage: { body: [{ en: Start, cy: Dechrau }] }
pages:
  - id: emergency
    type: question
    questions:
      - id: emergency
        type: yes-no
        mandatory: true
        label: { en: In danger?, cy: Mewn perygl? }
        errors: { required: { en: Select, cy: Dewiswch } }
    next: [{ when: { question: emergency, equals: "yes" }, goto: call-999 }, { goto: check }]
  - id: call-999
    type: exit
    exit: emergency
    title: { en: Call 999, cy: Ffoniwch 999 }
    body: [{ en: Call, cy: Ffoniwch }]
  - id: check
    type: check-answers
  - id: declaration
    type: declaration
    title: { en: Declaration, cy: Datganiad }
    body: [{ en: Be truthful, cy: Byddwch yn onest }]
    confirm: { en: I confirm, cy: Rwy'n cadarnhau }
    errors: { required: { en: Confirm, cy: Cadarnhewch } }
`;
    const { problems } = parseServiceDefinition(path.resolve('tenants/_national/services/quiet.yaml'), yaml);
    expect(problems).toEqual([expect.stringMatching(/quiet\.yaml: retention: say how long reports of this service are kept once settled/)]);
    expect(parseServiceDefinition(path.resolve('tenants/_national/services/quiet.yaml'), `${yaml}retention: { defaultDays: 30, maximumDays: 60 }\n`).problems).toEqual([]);
  });
});
