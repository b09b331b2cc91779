import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IdentityException, setRequestStaff, StaffAuthService } from '@front-counter/identity';
import { setRequestTenant, type Logger } from '@front-counter/logging';

/**
 * A request with `Authorization` is a staff request: its bearer token is verified before GraphQL
 * runs, and a bad one is answered 401 with nothing executed. The force of a staff request is the
 * verified token's issuer's, and nothing else (never a header, the Host or an argument).
 */
export function registerStaffAuthentication(fastify: FastifyInstance, auth: StaffAuthService, logger: Logger): void {
  // Callback hooks: a public request (no Authorization) passes without a promise made for it.
  fastify.addHook('preHandler', (request, reply, done) => {
    setRequestStaff(request, null);
    const authorization = request.headers.authorization;
    if (authorization === undefined) return done();
    authenticate(request, reply, authorization).then(() => {
      if (!reply.sent) done();
    }, done);
  });
  const authenticate = async (request: FastifyRequest, reply: FastifyReply, authorization: string) => {
    try {
      const staff = await auth.authenticate(authorization);
      setRequestStaff(request, staff);
      if (staff.force) setRequestTenant(request, staff.force);
    } catch (error) {
      if (!(error instanceof IdentityException)) throw error;
      logger.info({ requestId: request.id, reason: error.reason }, 'staff token refused');
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer error="invalid_token"')
        .type('application/json')
        .send({ errors: [{ message: error.publicMessage, extensions: { code: error.code } }] });
    }
  };
  // A staff operation asked for without any token answers 401 too. (Apollo's status cannot be used:
  // @nestjs/apollo resets it to 200 for every executed operation.) The marker cannot occur inside a
  // JSON string value, where its quotes would be escaped.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode === 200 && typeof payload === 'string' && request.url.startsWith('/graphql') && payload.includes('"extensions":{"code":"UNAUTHENTICATED"')) {
      reply.code(401).header('www-authenticate', 'Bearer');
    }
    done(null, payload);
  });
}
