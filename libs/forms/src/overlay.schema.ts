import { z } from 'zod';
import { fileLimitsSchema, pageSchema, textSchema } from './definition.schema.js';

const textOverrides = z
  .object({ label: textSchema.optional(), hint: textSchema.optional(), shortLabel: textSchema.optional(), title: textSchema.optional() })
  .strict();

/**
 * A force's overlay of a national service (tenants/<force>/services/<service>.yaml). It changes the
 * baseline only at declared extension points: texts and hints, its own pages at named slots,
 * optional pages switched off, exit links, the limits of its file questions, and a longer retention period
 * within the national bounds. It cannot remove a mandatory question.
 */
export const overlaySchema = z
  .object({
    service: z.string().min(1),
    /** The national version the overlay was written against (the drift report compares). */
    basedOnVersion: z.number().int().min(1),
    /** Texts by question id or page id. */
    texts: z
      .object({
        questions: z.record(z.string(), textOverrides).default({}),
        pages: z.record(z.string(), textOverrides).default({}),
      })
      .strict()
      .default({ questions: {}, pages: {} }),
    disabledPages: z.array(z.string()).default([]),
    /** The force's limits for file questions, by question id: kinds accepted, files per report, size per kind (MB). */
    files: z.record(z.string(), fileLimitsSchema).default({}),
    /** The force's own pages, inserted after the page that declares `slotAfter: <name>`. */
    slots: z.record(z.string(), z.array(pageSchema).min(1)).default({}),
    /**
     * How long the force keeps the service's reports once settled, in days: only longer than the
     * national default, and no longer than the national maximum (checked when the overlay is compiled).
     */
    retention: z.object({ days: z.number().int('must be a whole number of days').min(1, 'must be at least 1 day') }).strict().optional(),
    /** Exit pages' links, by exit page id. */
    exitLinks: z.record(z.string(), z.object({ url: z.url({ protocol: /^https$/ }), text: textSchema }).strict()).default({}),
  })
  .strict();

export type ServiceOverlay = z.infer<typeof overlaySchema>;
