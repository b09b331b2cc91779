import { Field, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar, type FormAnswers } from '@front-counter/forms';
import { LocalizedTextModel } from '@front-counter/tenancy';

@ObjectType('PublicService', { description: 'A national service a force offers online, as the force presents it.' })
export class PublicServiceModel {
  @Field()
  id: string;

  @Field(() => LocalizedTextModel)
  title: LocalizedTextModel;

  @Field(() => LocalizedTextModel)
  summary: LocalizedTextModel;

  @Field(() => [LocalizedTextModel], { description: 'The start page text, before the emergency gate.' })
  startPage: LocalizedTextModel[];

  @Field({ description: 'The current published form version of this service at this force.' })
  formVersionId: string;
}

@ObjectType('Journey', { description: 'Where a reporter is in a service: the pages on their path and their answers so far.' })
export class JourneyModel {
  @Field()
  serviceId: string;

  @Field({ description: 'The immutable form version this journey is pinned to (fetch it with formVersion).' })
  formVersionId: string;

  @Field(() => Int)
  formVersion: number;

  @Field()
  language: string;

  @Field({ description: 'The page to show: the first still to answer, an exit, check your answers or the declaration.' })
  current: string;

  @Field(() => [String])
  path: string[];

  @Field(() => JSONScalar)
  answers: FormAnswers;

  @Field(() => String, { nullable: true, description: 'Once sent: the report reference.' })
  reference: string | null;

  @Field(() => String, { nullable: true, description: 'Once sent: the address the confirmation goes to, if the report has one.' })
  confirmationEmail: string | null;

  @Field(() => String, { nullable: true, description: 'Once sent: the mobile number the confirmation goes to by text message, when the reporter asked for texts and the force sends them (confirmationEmail is then null).' })
  confirmationText: string | null;

  @Field(() => LocalizedTextModel, { nullable: true, description: 'Once sent, if the report went at once to the force whose area holds its location: that force.' })
  transferredTo: LocalizedTextModel | null;

  @Field()
  expiresAt: Date;
}

@ObjectType('FieldError')
export class FieldErrorModel {
  @Field({ description: 'The input the message is about (the error summary links to it).' })
  field: string;

  @Field()
  questionId: string;

  @Field(() => LocalizedTextModel)
  message: LocalizedTextModel;
}

@ObjectType('AnswerOutcome')
export class AnswerOutcomeModel {
  @Field(() => JourneyModel)
  journey: JourneyModel;

  @Field(() => [FieldErrorModel])
  errors: FieldErrorModel[];

  @Field(() => String, { nullable: true, description: 'The page to go to next when the answer was accepted.' })
  nextPageId: string | null;
}

@ObjectType('SubmitOutcome')
export class SubmitOutcomeModel {
  @Field(() => String, { nullable: true })
  reference: string | null;

  @Field(() => [FieldErrorModel])
  errors: FieldErrorModel[];
}

@ObjectType('SaveForLaterOutcome')
export class SaveForLaterOutcomeModel {
  @Field({ description: 'The link that resumes the draft until it expires.' })
  resumeUrl: string;

  @Field()
  expiresAt: Date;

  @Field({ description: 'Whether the link is being e-mailed.' })
  emailed: boolean;

  @Field(() => [FieldErrorModel])
  errors: FieldErrorModel[];
}
