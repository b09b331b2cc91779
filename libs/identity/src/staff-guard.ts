import { applyDecorators, createParamDecorator, Injectable, SetMetadata, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AccessException } from './access.exception.js';
import { isAllowed, type Permission } from './access-policy.js';
import { IdentityException } from './identity.exception.js';
import type { StaffIdentity } from './token-verifier.js';

const STAFF = Symbol('frontCounterStaff');
const PERMISSION = 'frontCounter:permission';

type WithStaff = { [STAFF]?: StaffIdentity | null };

function requestOf(context: ExecutionContext): WithStaff {
  return context.getType<string>() === 'graphql' ? GqlExecutionContext.create(context).getContext<{ req: WithStaff }>().req : context.switchToHttp().getRequest<WithStaff>();
}

/** Set once per request (or subscription connection) by the api's authentication hook, from a verified token only. */
export function setRequestStaff(request: object, identity: StaffIdentity | null): void {
  (request as WithStaff)[STAFF] = identity;
}

export function requestStaff(request: object): StaffIdentity | null {
  return (request as WithStaff)[STAFF] ?? null;
}

@Injectable()
export class StaffGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const permission = this.reflector.get<Permission | undefined>(PERMISSION, context.getHandler());
    // A staff operation without a declared permission is a programming error: refuse rather than allow.
    if (!permission) throw new Error(`${context.getClass().name}.${context.getHandler().name} has no @StaffOnly permission`);
    const identity = requestOf(context)[STAFF];
    if (!identity) throw new IdentityException('no bearer token');
    if (!isAllowed(identity, permission)) throw AccessException.notFoundOrNoAccess();
    return true;
  }
}

/** A staff operation: needs a verified token whose roles grant `permission` (see access-policy.ts). */
export const StaffOnly = (permission: Permission) => applyDecorators(SetMetadata(PERMISSION, permission), UseGuards(StaffGuard));

/** The verified staff identity of this request (use with @StaffOnly). */
export const CurrentStaff = createParamDecorator((_data: unknown, context: ExecutionContext): StaffIdentity => {
  const identity = requestOf(context)[STAFF];
  if (!identity) throw new IdentityException('no bearer token');
  return identity;
});
