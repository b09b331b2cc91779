// `npm test`: Jest in ESM mode (NestJS 12 is ESM-only), then the totals alone on the last line as
// "N passed, N failed" for CI, which does not read Jest's own summary. Extra arguments go to Jest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const report = path.join(mkdtempSync(path.join(os.tmpdir(), 'front-counter-jest-')), 'report.json');
const jest = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '--json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 1;
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  if (results.numTotalTests === 0) failed = Math.max(failed, 1); // a run that tested nothing has failed
} catch {
  // No report: Jest itself failed to start (its error is above); count it as a failure.
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(jest.status === 0 && failed === 0 ? 0 : 1);
