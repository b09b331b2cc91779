export enum NotificationErrorCode {
  /** The provider refused the message as sent (a bad address, a missing template field): sending it again gets the same answer. */
  Rejected = 'REJECTED',
  /** The provider refused our credentials (a wrong or revoked API key, a clock more than 30 seconds out). */
  AuthenticationFailed = 'AUTHENTICATION_FAILED',
  /** Too many messages for now: the provider's rate or daily limit. */
  RateLimited = 'RATE_LIMITED',
  /** The provider failed (5xx), could not be reached, or did not answer in time. */
  ProviderUnavailable = 'PROVIDER_UNAVAILABLE',
  /** The force's settings cannot send this: a missing API key variable, no template for it, no SMS by SMTP. */
  NotConfigured = 'NOT_CONFIGURED',
  /** An attachment the provider cannot carry (too large, more than one on Notify). */
  AttachmentRefused = 'ATTACHMENT_REFUSED',
}

/**
 * Why a message was not sent, for the job queue that sends it: `retryable` says whether the same
 * message may succeed later (rate limits, provider outages) or never will (validation, credentials,
 * configuration: these need a person, so retrying them only delays the dead letter). Not a
 * DomainException: it is never shown to an api caller. Messages never contain a secret.
 */
export class NotificationError extends Error {
  constructor(
    readonly code: NotificationErrorCode,
    message: string,
    readonly retryable: boolean,
    /** Which provider, and what it answered when it answered (HTTP or SMTP status, Notify's errors). */
    readonly details: { provider: 'notify' | 'smtp'; status?: number; providerErrors?: { error: string; message: string }[] },
  ) {
    super(message);
    this.name = 'NotificationError';
  }
}
