// Jobs: the work the workers do, on pg-boss (a PostgreSQL queue). A job is enqueued in the
// transaction of the change that causes it; workers take it with SKIP LOCKED, retry it with
// back-off, and move it to a dead-letter queue when every attempt failed.
export { JOB_QUEUES, JOB_SCHEMA, SCHEDULER_QUEUE, type JobPayloads, type JobQueueName } from './queues.js';
export { sendJob, transactionDb } from './send-job.js';
export { installJobQueues, grantJobQueues, uninstallJobQueues } from './install.js';
