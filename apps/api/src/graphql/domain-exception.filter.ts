import { Catch, type ArgumentsHost } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import type { FastifyReply } from 'fastify';
import { DomainException } from '@front-counter/errors';
import { GraphQLError } from 'graphql';

/**
 * The one mapping from every context's exception codes to GraphQL errors, and for the few plain HTTP
 * routes (evidence files) to a JSON error with the code's status.
 */
@Catch(DomainException)
export class DomainExceptionFilter implements GqlExceptionFilter {
  catch(exception: DomainException, host: ArgumentsHost): GraphQLError | void {
    if (host.getType() === 'http') {
      const reply = host.switchToHttp().getResponse<FastifyReply>();
      void reply.code(exception.status).type('application/json').send({ error: { code: exception.code, message: { en: exception.publicMessage, cy: exception.publicMessage } } });
      return;
    }
    return new GraphQLError(exception.publicMessage, { originalError: exception, extensions: { code: exception.code, http: { status: exception.status } } });
  }
}
