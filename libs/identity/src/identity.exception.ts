import { DomainException } from '@front-counter/errors';

export enum IdentityErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
}

/** One answer for every bad token: the caller learns that it was refused, the log learns why. */
export class IdentityException extends DomainException<IdentityErrorCode> {
  constructor(readonly reason: string) {
    super(IdentityErrorCode.Unauthenticated, 'Sign in again: your access token is missing, expired or not valid here.', 401);
  }
}
