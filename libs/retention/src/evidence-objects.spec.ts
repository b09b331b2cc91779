import { randomUUID } from 'node:crypto';
import { storedObjectKeys } from './evidence-objects.js';

describe('the stored objects of deleted evidence files', () => {
  it('names every variant of each file, under its force and under the force whose prefix it was stored with', () => {
    const [first, second, submission, file] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    // A photo of a report transferred from `first` to `second`: its keys keep the first force's prefix.
    const keys = storedObjectKeys([
      { id: file, tenantId: second, submissionId: submission, storageKey: `evidence/${first}/${submission}/${file}.original`, displayKey: `evidence/${first}/${submission}/${file}.display`, thumbnailKey: null },
    ]);
    const under = (tenant: string) => [`evidence/${tenant}/${submission}/${file}.display`, `evidence/${tenant}/${submission}/${file}.original`, `evidence/${tenant}/${submission}/${file}.thumbnail`, `quarantine/${tenant}/${submission}/${file}.original`];
    expect(keys).toEqual([...under(first), ...under(second)].sort());
  });

  it('names nothing that is not an evidence key', () => {
    const [tenant, submission, file] = [randomUUID(), randomUUID(), randomUUID()];
    const keys = storedObjectKeys([{ id: file, tenantId: tenant, submissionId: submission, storageKey: '../../etc/passwd', displayKey: null, thumbnailKey: null }]);
    expect(keys.every((key) => key.startsWith('evidence/') || key.startsWith('quarantine/'))).toBe(true);
    expect(keys).toHaveLength(4);
  });
});
