// Logging: structured JSON logs (pino) that carry a request id and the tenant slug and never
// personal data (no bodies, no query strings, no cookies or tokens).
export { createLogger, type Logger } from './logger.js';
export { NestPinoLogger } from './nest-pino-logger.js';
export { registerRequestLogging, requestIdFor, REQUEST_ID_HEADER, setRequestTenant } from './request-logging.js';
