// Force administration: a force's site settings and branding, its services' forms (drafts, versions,
// roll-back) and their drift from the national baseline, for its force-admin role.
export { AdminDraft, type DraftKind } from './admin-draft.entity.js';
export { ForceAdminService, type Actor, type ServiceView, type SiteView, type ServiceDrift } from './force-admin.service.js';
export { ForceAdminResolver, versionModel } from './force-admin.resolver.js';
export { RoutingAdminResolver } from './routing-admin.resolver.js';
export { RoutingAdminService, type SimulationInput, type SimulationResult } from './routing-admin.service.js';
export { FiguresService, type ForceFigures } from './figures.service.js';
export { AdminModule } from './admin.module.js';
export { siteSettingsSchema, type SiteSettings } from './site-settings.js';
export { formDifferences, pagesTouched } from './form-differences.js';
export { zodProblems, textProblems, type FieldProblem } from './field-problems.js';
export * from './force-admin.models.js';

import { AdminDraft } from './admin-draft.entity.js';
export const ADMIN_ENTITIES = [AdminDraft];
