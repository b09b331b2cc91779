// Test environment only. @fastify/static 10 requires the ESM-only content-disposition 3, which Node 20
// loads (require of ESM) but Jest's module system cannot before Node 24.9. Jest maps the module here:
// the same API (`create`, `parse`) from the CommonJS release of the same package.
const contentDisposition = require('content-disposition-commonjs');

module.exports = { create: contentDisposition, parse: contentDisposition.parse };
