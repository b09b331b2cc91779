import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadNationalServices } from '@front-counter/forms';
import { containsPoint, boundingBox } from './force-area.js';
import { loadForceTriageFiles } from './triage-files.js';

const TENANTS = path.resolve('tenants');
const nationalIds = loadNationalServices(path.join(TENANTS, '_national', 'services')).map((service) => service.id);

describe('force routing rules and areas as files', () => {
  it.each(readdirSync(TENANTS).filter((folder) => folder !== '_national'))('tenants/%s has valid rules and area (if any)', (folder) => {
    expect(loadForceTriageFiles(path.join(TENANTS, folder), nationalIds).problems).toEqual([]);
  });

  it('places the example forces’ areas side by side without overlap', () => {
    const area = (slug: string) => loadForceTriageFiles(path.join(TENANTS, slug), nationalIds).area!;
    const [north, east] = [area('northshire'), area('eastmarch')];
    const inEast = { latitude: 54.3, longitude: -0.5 };
    const inNorth = { latitude: 54.3, longitude: -1.6 };
    expect(containsPoint(east, boundingBox(east), inEast)).toBe(true);
    expect(containsPoint(north, boundingBox(north), inEast)).toBe(false);
    expect(containsPoint(north, boundingBox(north), inNorth)).toBe(true);
    expect(containsPoint(east, boundingBox(east), inNorth)).toBe(false);
  });

  it('names the file, line and rule of a problem', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'routing-'));
    writeFileSync(
      path.join(folder, 'routing.yaml'),
      ['rules:', '  - name: Night shift', '    when: { services: [report-a-ufo] }', '    then: { queue: Nights, priority: 9 }', ''].join('\n'),
    );
    writeFileSync(path.join(folder, 'boundary.geojson'), JSON.stringify({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1]]] }));
    const { problems } = loadForceTriageFiles(folder, nationalIds);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/routing\.yaml:4: rules\."Night shift"\.then\.queue: must be lower-case letters, digits and hyphens$/),
        expect.stringMatching(/routing\.yaml:4: rules\."Night shift"\.then\.priority: must be 1 \(most urgent\) to 5$/),
        expect.stringMatching(/boundary\.geojson: .*coordinates\.0: a ring needs at least 4 positions/),
      ]),
    );
    writeFileSync(path.join(folder, 'routing.yaml'), ['rules:', '  - name: Aliens', '    when: { services: [report-a-ufo] }', '    then: { queue: x-files, priority: 2 }', ''].join('\n'));
    expect(loadForceTriageFiles(folder, nationalIds).problems).toContainEqual(expect.stringMatching(/routing\.yaml: rules\."Aliens"\.when\.services: report-a-ufo is not a national service$/));
  });
});
