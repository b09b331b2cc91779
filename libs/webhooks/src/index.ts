// Webhooks: deliveries to forces' back-office systems as the Standard Webhooks specification describes
// (signing and verifying, message ids, the envelope) and the one HTTPS client that sends them. No dependencies.
export {
  DEFAULT_TOLERANCE_SECONDS,
  newWebhookSecret,
  signWebhook,
  verifyWebhook,
  webhookSecretKey,
  WebhookSecretError,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  type IncomingWebhookHeaders,
  type SignWebhookInput,
  type VerifyWebhookOptions,
  type WebhookHeaders,
  type WebhookVerification,
  type WebhookVerificationFailure,
} from './webhook-signature.js';
export { newMessageId } from './message-id.js';
export { envelopeBody, envelopeReference, WEBHOOK_EVENT_TYPES, type WebhookChange, type WebhookEnvelope, type WebhookEventType } from './webhook-envelope.js';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  isRetryableStatus,
  parseRetryAfter,
  WebhookClient,
  type WebhookClientOptions,
  type WebhookErrorCode,
  type WebhookRequest,
  type WebhookResult,
} from './webhook-client.js';
