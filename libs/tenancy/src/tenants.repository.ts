import type { DataSource, EntityManager } from 'typeorm';
import { TenantDomain } from './tenant-domain.entity.js';
import type { NotificationSettings } from './tenant-file.schema.js';
import { Tenant, type TenantIdentity } from './tenant.entity.js';

// The tenancy library's reads of the public force registry (tenants, tenant_domains, tenant_areas),
// for the libraries that need a force's facts inside their own work. The registry needs no tenant set,
// so each takes the caller's transaction or the data source alike.

/** Anything that runs SQL: a transaction's manager or the data source. */
export type RegistryReader = Pick<EntityManager, 'query'>;

/** A force as other libraries need it: who, what it is called, what it promises. */
export interface ForceSummary {
  id: string;
  slug: string;
  name: { en: string; cy?: string };
  promises: { triageWithinMinutes: number; replyWithinHours: number };
}

/** A force by id or slug; `activeOnly` for a force that may receive reports. */
export async function findForce(db: RegistryReader, by: { id: string } | { slug: string }, options: { activeOnly?: boolean } = {}): Promise<ForceSummary | null> {
  const [column, value] = 'id' in by ? ['id', by.id] : ['slug', by.slug];
  const [row] = await db.query(`SELECT id, slug, name, promises FROM tenants WHERE ${column} = $1${options.activeOnly ? ` AND status = 'active'` : ''}`, [value]);
  return row ?? null;
}

/** Every force's id and slug: all of them, or the active ones; by slug when `ordered`. */
export async function listForces(db: RegistryReader, options: { activeOnly?: boolean; ordered?: boolean } = {}): Promise<{ id: string; slug: string }[]> {
  return db.query(`SELECT id, slug FROM tenants${options.activeOnly ? ` WHERE status = 'active'` : ''}${options.ordered ? ' ORDER BY slug' : ''}`);
}

/** The other active forces (those a report can be transferred to), by slug. */
export async function otherActiveForces(db: RegistryReader, exceptId: string): Promise<{ slug: string; name: { en: string; cy?: string } }[]> {
  return db.query(`SELECT slug, name FROM tenants WHERE status = 'active' AND id <> $1 ORDER BY slug`, [exceptId]);
}

/** The names of the forces with these slugs. */
export async function forceNames(db: RegistryReader, slugs: string[]): Promise<Map<string, { en: string; cy?: string }>> {
  if (slugs.length === 0) return new Map();
  const rows: { slug: string; name: { en: string; cy?: string } }[] = await db.query(`SELECT slug, name FROM tenants WHERE slug = ANY ($1)`, [slugs]);
  return new Map(rows.map((row) => [row.slug, row.name]));
}

/** A force's name by id; null when there is none. */
export async function forceName(db: RegistryReader, id: string): Promise<{ en: string; cy?: string } | null> {
  const [force] = await db.query(`SELECT name FROM tenants WHERE id = $1`, [id]);
  return force?.name ?? null;
}

/** What a message from a force says about it, and how it goes out (null: the platform's SMTP). */
export interface ForceLetterhead {
  slug: string;
  notifications: NotificationSettings | null;
  name: { en: string; cy?: string };
  contact: { nonEmergency: string; textRelayEmergency: string };
  promises: { triageWithinMinutes: number; replyWithinHours: number; whatHappensNext?: { en: string; cy?: string } };
}

/** A force's letterhead; null when there is no such force. */
export async function forceLetterhead(db: RegistryReader, id: string): Promise<ForceLetterhead | null> {
  const [tenant] = await db.query(`SELECT slug, name, contact, promises, notifications FROM tenants WHERE id = $1`, [id]);
  return tenant ?? null;
}

/** How a force's messages go out (null: the platform's SMTP); null when there is no such force. */
export async function forceNotificationSettings(db: RegistryReader, id: string): Promise<{ slug: string; notifications: NotificationSettings | null } | null> {
  const [tenant] = await db.query(`SELECT slug, notifications FROM tenants WHERE id = $1`, [id]);
  return tenant ?? null;
}

/** A force's primary domain, if it has one. */
export async function primaryHostname(db: RegistryReader, tenantId: string): Promise<string | null> {
  const [domain] = await db.query(`SELECT hostname FROM tenant_domains WHERE tenant_id = $1 AND is_primary`, [tenantId]);
  return domain?.hostname ?? null;
}

/** Every force's staff sign-in settings, suspended forces included. */
export async function forceIdentities(db: RegistryReader): Promise<{ id: string; slug: string; identity: TenantIdentity }[]> {
  return db.query(`SELECT id, slug, identity FROM tenants`);
}

/** Every active force's area, by slug. */
export async function activeForceAreas<Boundary>(db: RegistryReader): Promise<{ tenant_id: string; slug: string; boundary: Boundary; bbox: number[] }[]> {
  return db.query(`SELECT a.tenant_id, t.slug, a.boundary, a.bbox FROM tenant_areas a JOIN tenants t ON t.id = a.tenant_id WHERE t.status = 'active' ORDER BY t.slug`);
}

/** The content hash of a force's recorded area; null when it has none. */
export async function forceAreaHash(db: RegistryReader, tenantId: string): Promise<string | null> {
  const [area] = await db.query(`SELECT hash FROM tenant_areas WHERE tenant_id = $1`, [tenantId]);
  return area?.hash ?? null;
}

/** Records a force's area (its boundary as GeoJSON and bounding box), replacing the one it had. */
export async function saveForceArea(db: RegistryReader, area: { tenantId: string; boundary: unknown; bbox: number[]; hash: string }): Promise<void> {
  await db.query(
    `INSERT INTO tenant_areas (tenant_id, boundary, bbox, hash, updated_at) VALUES ($1, $2::jsonb, $3, $4, now())
     ON CONFLICT (tenant_id) DO UPDATE SET boundary = EXCLUDED.boundary, bbox = EXCLUDED.bbox, hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at`,
    [area.tenantId, JSON.stringify(area.boundary), area.bbox, area.hash],
  );
}

/** Every force's name and staff sign-in settings with its domains (primary first), by slug: the development sign-in provider's directory. */
export async function forceIdentityDirectory(db: RegistryReader): Promise<{ slug: string; name: { en: string }; identity: TenantIdentity; domains: string[] }[]> {
  return db.query(`
    SELECT t.slug, t.name, t.identity,
           coalesce(array_agg(d.hostname ORDER BY d.is_primary DESC, d.hostname) FILTER (WHERE d.hostname IS NOT NULL), '{}') AS domains
      FROM tenants t
      LEFT JOIN tenant_domains d ON d.tenant_id = t.id
     GROUP BY t.id
     ORDER BY t.slug`);
}

/** A force by id, without its domains; null when there is none. */
export async function tenantById(db: DataSource | EntityManager, id: string): Promise<Tenant | null> {
  return db.getRepository(Tenant).findOne({ where: { id } });
}

/**
 * Changes the settings of the transaction's force that its administrators may change (the
 * update_force_settings function allows only those fields, for the force the transaction is set to).
 */
export async function updateForceSettings(manager: EntityManager, fields: Record<string, unknown>): Promise<void> {
  await manager.query(`SELECT update_force_settings($1::jsonb)`, [JSON.stringify(fields)]);
}

/** A force with its domains, by id or slug; null when there is none. */
export async function tenantWithDomains(db: DataSource | EntityManager, where: { id: string } | { slug: string }): Promise<Tenant | null> {
  return db.getRepository(Tenant).findOne({ where, relations: { domains: true } });
}

/** The force a domain belongs to, with all its domains; null for a domain no force has. */
export async function tenantOfHostname(db: DataSource | EntityManager, hostname: string): Promise<Tenant | null> {
  const domain = await db.getRepository(TenantDomain).findOne({ where: { hostname }, relations: { tenant: { domains: true } } });
  return domain?.tenant ?? null;
}

/** Whether the registry's tables exist yet (a dry run may come before the first migration). */
export async function registryMigrated(manager: EntityManager): Promise<boolean> {
  const [{ migrated }] = await manager.query(`SELECT to_regclass('tenants') IS NOT NULL AS migrated`);
  return migrated;
}

/** Every force with its domains. */
export async function allTenantsWithDomains(manager: EntityManager): Promise<Tenant[]> {
  return manager.find(Tenant, { relations: { domains: true } });
}

/** Adds a force; returns it as stored. */
export async function createTenant(manager: EntityManager, fields: Partial<Tenant>): Promise<Tenant> {
  return manager.save(Tenant, manager.create(Tenant, fields));
}

export async function updateTenant(manager: EntityManager, id: string, fields: Partial<Tenant>): Promise<void> {
  await manager.update(Tenant, { id }, fields);
}

/** A force's domains become these, the first its primary. */
export async function replaceDomains(manager: EntityManager, tenantId: string, hostnames: string[]): Promise<void> {
  await manager.delete(TenantDomain, { tenantId });
  await manager.insert(
    TenantDomain,
    hostnames.map((hostname, index) => ({ hostname, tenantId, isPrimary: index === 0 })),
  );
}

/** Every force with its domains, by slug. */
export async function tenantsWithDomainsBySlug(db: DataSource | EntityManager): Promise<Tenant[]> {
  return db.getRepository(Tenant).find({ relations: { domains: true }, order: { slug: 'ASC' } });
}

/** A force by slug, without its domains; null when there is none. */
export async function tenantBySlug(db: DataSource | EntityManager, slug: string): Promise<Tenant | null> {
  return db.getRepository(Tenant).findOne({ where: { slug } });
}

/** Suspends or reinstates a force (the set_force_status function keeps the reason and the time). */
export async function setForceStatus(manager: EntityManager, slug: string, status: 'active' | 'suspended', reason: string | null): Promise<void> {
  await manager.query(`SELECT set_force_status($1, $2, $3)`, [slug, status, reason]);
}

/** Every force (without domains); by slug when `ordered`. */
export async function allTenants(db: DataSource | EntityManager, options: { ordered?: boolean } = {}): Promise<Tenant[]> {
  return db.getRepository(Tenant).find(options.ordered ? { order: { slug: 'ASC' } } : undefined);
}

/** Those of these domains some force already has, each with its force. */
export async function domainsTaken(db: DataSource | EntityManager, hostnames: string[]): Promise<TenantDomain[]> {
  return db.getRepository(TenantDomain).find({ where: hostnames.map((hostname) => ({ hostname })), relations: { tenant: true } });
}

/** Adds a force with its domains (the create_force function); returns its id. */
export async function createForce(manager: EntityManager, slug: string, fields: Record<string, unknown>, domains: string[]): Promise<string> {
  const [{ create_force: tenantId }] = await manager.query(`SELECT create_force($1, $2::jsonb, $3::text[])`, [slug, JSON.stringify(fields), domains]);
  return tenantId;
}
