export const TEST_STATE_FILE_VARIABLE = 'FRONT_COUNTER_TEST_STATE';
export const TEST_APP_PASSWORD = 'front-counter-test-app';

export interface TestDatabaseState {
  /** Superuser URL of the test server's `postgres` database. */
  serverUrl: string;
  templateDatabase: string;
  runId: string;
}
