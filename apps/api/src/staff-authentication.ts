import type { FastifyInstance } from 'fastify';
import { IdentityException, setRequestStaff, StaffAuthService } from '@front-counter/identity';
import type { Logger } from '@front-counter/logging';

/**
 * A request with `Authorization` is a staff request: its bearer token is verified before GraphQL
 * runs, and a bad one is answered 401 with nothing executed. The force of a staff request is the
 * verified token's issuer's, and nothing else (never a header, the Host or an argument).
 */
export function registerStaffAuthentication(fastify: FastifyInstance, auth: StaffAuthService, logger: Logger): void {
  fastify.addHook('preHandler', async (request, reply) => {
    setRequestStaff(request, null);
    const authorization = request.headers.authorization;
    if (authorization === undefined) return;
    try {
      setRequestStaff(request, await auth.authenticate(authorization));
    } catch (error) {
      if (!(error instanceof IdentityException)) throw error;
      logger.info({ requestId: request.id, reason: error.reason }, 'staff token refused');
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer error="invalid_token"')
        .type('application/json')
        .send({ errors: [{ message: error.publicMessage, extensions: { code: error.code } }] });
    }
  });
}
