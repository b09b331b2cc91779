// Tenancy: police forces (tenants), their domains and branding, tenants/ as code (load, validate,
// sync) and finding the force a public request is for.
export { Tenant, type TenantBranding, type TenantContact, type TenantPromises, type TenantIdentity } from './tenant.entity.js';
export { TenantDomain } from './tenant-domain.entity.js';
export { tenantFileSchema, brandingSchema, contactSchema, promisesSchema, identitySchema, notificationsSchema, destinationSchema, DESTINATION_EVENTS, localizedTextSchema, LANGUAGES, type Language, type LocalizedText, type NotificationSettings, sendsTexts, type DestinationDefinition, type TenantFile } from './tenant-file.schema.js';
export { loadTenantDefinitions, parseTenantFile, TenantFileError, type TenantDefinition } from './tenant-files.js';
export { syncTenants, formatSyncReport, type TenantSyncReport } from './tenant-sync.js';
export { svgLogoProblem } from './svg-logo.js';
export { brandingVersion, contrastRatio, MINIMUM_TEXT_CONTRAST } from './branding.js';
export { normaliseHost, localhostSlug } from '@front-counter/public-kit';
export { TenantsService } from './tenants.service.js';
export { findForce, listForces, otherActiveForces, forceNames, forceName, forceLetterhead, forceNotificationSettings, primaryHostname, forceIdentities, activeForceAreas, forceAreaHash, forceIdentityDirectory, saveForceArea, tenantById, updateForceSettings, tenantWithDomains, tenantsWithDomainsBySlug, tenantBySlug, setForceStatus, allTenants, domainsTaken, createForce, registryMigrated, type ForceSummary, type ForceLetterhead, type RegistryReader } from './tenants.repository.js';
export { TenancyModule } from './tenancy.module.js';
export { TenancyResolver } from './tenancy.resolver.js';
export { TenancyException, TenancyErrorCode } from './tenancy.exception.js';
export { PublicTenantModel, LanguageCode, LocalizedTextModel } from './public-tenant.model.js';
export { PublicTenantGuard, CurrentTenant, publicTenantOf } from './current-tenant.js';

import { TenantDomain } from './tenant-domain.entity.js';
import { Tenant } from './tenant.entity.js';
export const TENANCY_ENTITIES = [Tenant, TenantDomain];
export { issuerOf } from './tenant-identity.js';
export { RegistryChanges, REGISTRY_CHANNEL, type RegistryChange } from './registry-changes.js';
export { forceFromTemplate, TemplateError, TEMPLATE_NAME, TEMPLATE_SLUG, type ForceFromTemplate, type TemplateChoices } from '@front-counter/public-kit';
export { forceSiteUrl } from './force-site-url.js';
