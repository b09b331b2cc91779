import { DomainException } from '@front-counter/errors';

export enum AccessErrorCode {
  NotFound = 'NOT_FOUND',
}

/**
 * The one answer for a record that does not exist, belongs to another force, or that this person may
 * not see or change: a caller cannot tell them apart.
 */
export class AccessException extends DomainException<AccessErrorCode> {
  static notFoundOrNoAccess(): AccessException {
    return new AccessException(AccessErrorCode.NotFound, 'Not found, or you do not have access to it.', 404);
  }
}
