import type { EntityManager } from 'typeorm';
import { FormVersion } from './form-version.entity.js';

// The forms library's reads of form_versions by id and of which version is current.

/** The newest version's id of each of these services of a force. */
export async function currentVersionIds(manager: EntityManager, tenantId: string, serviceIds: string[]): Promise<{ id: string; service_id: string }[]> {
  return manager.query(`SELECT DISTINCT ON (service_id) id, service_id FROM form_versions WHERE tenant_id = $1 AND service_id = ANY ($2) ORDER BY service_id, version DESC`, [tenantId, serviceIds]);
}

/** A published version by id (any force's). */
export async function formVersionById(manager: EntityManager, id: string): Promise<FormVersion | null> {
  return manager.findOne(FormVersion, { where: { id } });
}

/** A force's newest version of a service; null when it has none. */
export async function latestFormVersion(manager: EntityManager, tenantId: string, serviceId: string): Promise<FormVersion | null> {
  return manager.findOne(FormVersion, { where: { tenantId, serviceId }, order: { version: 'DESC' } });
}

/** Publishes a version (versions are immutable once written). */
export async function insertFormVersion(manager: EntityManager, version: Partial<FormVersion>): Promise<void> {
  await manager.insert(FormVersion, version);
}

/** A force's newest version of a service published by `publishedBy` (e.g. from its files); null when none was. */
export async function latestFormVersionPublishedBy(manager: EntityManager, tenantId: string, serviceId: string, publishedBy: string): Promise<FormVersion | null> {
  return manager.findOne(FormVersion, { where: { tenantId, serviceId, publishedBy }, order: { version: 'DESC' } });
}

/** A version of a force's service; null when there is no such version. */
export async function formVersionOf(manager: EntityManager, tenantId: string, serviceId: string, version: number): Promise<FormVersion | null> {
  return manager.findOne(FormVersion, { where: { tenantId, serviceId, version } });
}

/** Every version of a force's service, newest first. */
export async function formVersionHistory(manager: EntityManager, tenantId: string, serviceId: string): Promise<FormVersion[]> {
  return manager.find(FormVersion, { where: { tenantId, serviceId }, order: { version: 'DESC' } });
}
