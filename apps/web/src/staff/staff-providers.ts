import type { Provider } from '@nestjs/common';
import type { Logger } from '@front-counter/logging';
import { StaffApi } from './staff-api.js';
import { StaffCookies } from './staff-cookies.js';
import { StaffEvents } from './staff-events.js';
import { StaffPages } from './staff-pages.js';
import { StaffSignIn } from './staff-sign-in.js';

export const STAFF_LOGGER = Symbol('STAFF_LOGGER');

/** What the staff pages need from the web module's injector (the controller is StaffController). */
export function staffProviders(logger: Logger): Provider[] {
  return [StaffCookies, StaffSignIn, StaffApi, StaffEvents, StaffPages, { provide: STAFF_LOGGER, useValue: logger.child({ component: 'staff' }) }];
}
