import { DomainException } from '@front-counter/errors';

export enum ReportsErrorCode {
  ServiceNotFound = 'SERVICE_NOT_FOUND',
  JourneyNotFound = 'JOURNEY_NOT_FOUND',
  PageNotAvailable = 'PAGE_NOT_AVAILABLE',
  InvalidSession = 'INVALID_SESSION',
  NotReadyToSubmit = 'NOT_READY_TO_SUBMIT',
  ResumeLinkInvalid = 'RESUME_LINK_INVALID',
  InvalidAnswer = 'INVALID_ANSWER',
}

export class ReportsException extends DomainException<ReportsErrorCode> {
  static serviceNotFound(): ReportsException {
    return new ReportsException(ReportsErrorCode.ServiceNotFound, 'This force does not offer that service online.', 404);
  }
  static journeyNotFound(): ReportsException {
    return new ReportsException(ReportsErrorCode.JourneyNotFound, 'There is no report in progress for this session: it was never started, has been sent, or has expired.', 404);
  }
  static pageNotAvailable(pageId: string): ReportsException {
    return new ReportsException(ReportsErrorCode.PageNotAvailable, `Page "${pageId.slice(0, 60)}" is not part of this report as answered so far.`, 409);
  }
  static invalidSession(): ReportsException {
    return new ReportsException(ReportsErrorCode.InvalidSession, 'The session token is missing or malformed.', 400);
  }
  static notReadyToSubmit(): ReportsException {
    return new ReportsException(ReportsErrorCode.NotReadyToSubmit, 'The report cannot be sent until every question on its path is answered.', 409);
  }
  static resumeLinkInvalid(): ReportsException {
    return new ReportsException(ReportsErrorCode.ResumeLinkInvalid, 'This link to a saved report has expired or is not valid.', 404);
  }
  static invalidAnswer(message: string): ReportsException {
    return new ReportsException(ReportsErrorCode.InvalidAnswer, message, 400);
  }
}
