import type { EntityManager } from 'typeorm';
import { AdminDraft, type DraftKind } from './admin-draft.entity.js';

// The admin library's unpublished changes (admin_drafts), through the caller's transaction: one per
// force for its site settings and routing rules (key ''), one per service for its overlay.

export async function findAdminDraft(manager: EntityManager, tenantId: string, kind: DraftKind, key: string): Promise<AdminDraft | null> {
  return manager.findOne(AdminDraft, { where: { tenantId, kind, key } });
}

/** Keeps a draft, replacing the one of the same kind and key, as changed by `by`. */
export async function keepAdminDraft(manager: EntityManager, draft: { tenantId: string; kind: DraftKind; key: string; content: object }, by: { subject: string; name?: string | null }): Promise<void> {
  await manager.upsert(AdminDraft, { ...draft, content: draft.content as never, updatedBy: by.subject, updatedByName: by.name ?? null, updatedAt: new Date() }, ['tenantId', 'kind', 'key']);
}

/** Drops a draft; whether there was one. */
export async function dropAdminDraft(manager: EntityManager, tenantId: string, kind: DraftKind, key: string): Promise<boolean> {
  return ((await manager.delete(AdminDraft, { tenantId, kind, key })).affected ?? 0) > 0;
}
