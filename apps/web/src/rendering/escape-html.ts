export { escapeHtml } from '@front-counter/public-kit';
