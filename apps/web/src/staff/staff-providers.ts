import type { Provider } from '@nestjs/common';
import type { Logger } from '@front-counter/logging';
import { StaffApi } from './staff-api.js';
import { STAFF_LOGGER } from './staff-logger.js';
import { StaffCookies } from './staff-cookies.js';
import { StaffEvents } from './staff-events.js';
import { StaffPages } from './staff-pages.js';
import { StaffSessions } from './staff-sessions.js';
import { StaffSignIn } from './staff-sign-in.js';

export { STAFF_LOGGER };

/** What the staff pages need from the web module's injector (its controllers are the staff-*.controller.ts files). */
export function staffProviders(logger: Logger): Provider[] {
  return [StaffCookies, StaffSessions, StaffSignIn, StaffApi, StaffEvents, StaffPages, { provide: STAFF_LOGGER, useValue: logger.child({ component: 'staff' }) }];
}
