import { Catch } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { DomainException } from '@front-counter/errors';
import { GraphQLError } from 'graphql';

/** The one mapping from every context's exception codes to GraphQL errors. */
@Catch(DomainException)
export class DomainExceptionFilter implements GqlExceptionFilter {
  catch(exception: DomainException): GraphQLError {
    return new GraphQLError(exception.publicMessage, { originalError: exception, extensions: { code: exception.code, http: { status: exception.status } } });
  }
}
