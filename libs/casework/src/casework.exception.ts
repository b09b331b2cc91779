import { DomainException } from '@front-counter/errors';

export enum CaseworkErrorCode {
  ClaimedByOther = 'CLAIMED_BY_OTHER',
  ClaimRequired = 'CLAIM_REQUIRED',
  ThriveRequired = 'THRIVE_REQUIRED',
  InvalidDecision = 'INVALID_DECISION',
  InvalidInput = 'BAD_USER_INPUT',
}

export class CaseworkException extends DomainException<CaseworkErrorCode> {
  static claimedByOther(name: string | null): CaseworkException {
    return new CaseworkException(CaseworkErrorCode.ClaimedByOther, `${name ?? 'Another handler'} is working on this report. A supervisor can release it.`, 409);
  }

  static claimRequired(): CaseworkException {
    return new CaseworkException(CaseworkErrorCode.ClaimRequired, 'Claim the report before changing it, so that no one else works on it at the same time.', 409);
  }

  static thriveRequired(): CaseworkException {
    return new CaseworkException(CaseworkErrorCode.ThriveRequired, 'Record the THRIVE assessment before this decision.', 409);
  }

  static invalidDecision(message: string): CaseworkException {
    return new CaseworkException(CaseworkErrorCode.InvalidDecision, message, 400);
  }

  static invalidInput(message: string): CaseworkException {
    return new CaseworkException(CaseworkErrorCode.InvalidInput, message, 400);
  }
}
