import { DomainException } from '@front-counter/errors';

export enum TenancyErrorCode {
  TenantNotFound = 'TENANT_NOT_FOUND',
  InvalidTenantRequest = 'INVALID_TENANT_REQUEST',
  ForceSuspended = 'FORCE_SUSPENDED',
}

export class TenancyException extends DomainException<TenancyErrorCode> {
  static notFound(): TenancyException {
    // Names no tenant: the same answer whether the host or slug is unknown or merely misspelt.
    return new TenancyException(TenancyErrorCode.TenantNotFound, 'No police force is served at this address.', 404);
  }

  /** A suspended force takes no new reports (its site shows a notice; nothing is deleted). */
  static suspended(): TenancyException {
    return new TenancyException(TenancyErrorCode.ForceSuspended, 'This force is not taking reports online at the moment.', 503);
  }

  static invalidRequest(message: string): TenancyException {
    return new TenancyException(TenancyErrorCode.InvalidTenantRequest, message, 400);
  }
}
