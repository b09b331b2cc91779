/** The staff pages' logger (a child of the web's, naming the component). */
export const STAFF_LOGGER = Symbol('STAFF_LOGGER');
