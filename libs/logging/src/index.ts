// Logging: structured JSON logs (pino) that carry a request id, the trace, the tenant slug and the
// app that wrote them, and never personal data or secrets (no bodies, query strings, cookies, tokens
// or raw paths with tokens in them; errors only as type, masked message and stack: scrubbing.ts).
export { currentAppLogger, runAsApp } from './app-logger.js';
export { loggedPath, maskPath, requestPath } from './logged-path.js';
export { createLogger, type Logger } from './logger.js';
export { NestPinoLogger } from './nest-pino-logger.js';
export { looksLikeToken, scrubText, serializeError, type LoggedError } from './scrubbing.js';
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
