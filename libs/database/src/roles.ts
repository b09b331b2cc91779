/** Owns every table; migrations and tenant sync run as this role. */
export const OWNER_ROLE = 'front_counter_owner';
/** The application's role: owns nothing, is no superuser, cannot bypass row-level security. */
export const APP_ROLE = 'front_counter_app';
/** The database created on the embedded server. */
export const EMBEDDED_DATABASE_NAME = 'front_counter';
