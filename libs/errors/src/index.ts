// Errors: the base of every context's own exception type. The api's one filter maps `code` to a
// GraphQL error; `publicMessage` is safe to show to anyone, internals never are.
export { DomainException } from './domain.exception.js';
