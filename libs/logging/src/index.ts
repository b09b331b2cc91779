// Logging: structured JSON logs (pino) that carry a request id and the tenant slug and never
// personal data (no bodies, no query strings, no cookies or tokens).
export { createLogger, type Logger } from './logger.js';
export { NestPinoLogger } from './nest-pino-logger.js';
export { onwardHeaders, registerRequestLogging, requestIdFor, requestTenant, REQUEST_ID_HEADER, setRequestTenant } from './request-logging.js';
export {
  childTrace,
  currentTrace,
  currentTraceparent,
  formatTraceparent,
  parseTraceparent,
  requestTrace,
  runInTrace,
  TRACEPARENT_HEADER,
  type TraceContext,
} from './trace-context.js';
