// The one migration stream, oldest first. Each migration has an `up` and a `down`.
import { Foundation1763800000000 } from './1763800000000-foundation.js';
import { ReportingJourneys1763900000000 } from './1763900000000-reporting-journeys.js';
import { OneLiveDraft1764000000000 } from './1764000000000-one-live-draft.js';
import { Triage1764100000000 } from './1764100000000-triage.js';
import { Evidence1764200000000 } from './1764200000000-evidence.js';
import { RegistryChanges1764300000000 } from './1764300000000-registry-changes.js';
import { ForceAdministration1764400000000 } from './1764400000000-force-administration.js';
import { GoingLive1764500000000 } from './1764500000000-going-live.js';
import { UnprocessableEvidence1764600000000 } from './1764600000000-unprocessable-evidence.js';
import { TrackingAttemptsPerClient1764650000000 } from './1764650000000-tracking-attempts-per-client.js';
import { Retention1764700000000 } from './1764700000000-retention.js';
import { HeldTrackingFiles1764750000000 } from './1764750000000-held-tracking-files.js';
import { JobQueues1764800000000 } from './1764800000000-job-queues.js';
import { ForceNotifications1764850000000 } from './1764850000000-force-notifications.js';
import { Deliveries1764900000000 } from './1764900000000-deliveries.js';
import { BackOfficeEvents1764950000000 } from './1764950000000-back-office-events.js';
import { ReporterContactBy1765000000000 } from './1765000000000-reporter-contact-by.js';
import { DeliveryClaims1765050000000 } from './1765050000000-delivery-claims.js';
import { LiveDraftInOneStatement1765100000000 } from './1765100000000-live-draft-in-one-statement.js';

export const MIGRATIONS = [Foundation1763800000000, ReportingJourneys1763900000000, OneLiveDraft1764000000000, Triage1764100000000, Evidence1764200000000, RegistryChanges1764300000000, ForceAdministration1764400000000, GoingLive1764500000000, UnprocessableEvidence1764600000000, TrackingAttemptsPerClient1764650000000, Retention1764700000000, HeldTrackingFiles1764750000000, JobQueues1764800000000, ForceNotifications1764850000000, Deliveries1764900000000, BackOfficeEvents1764950000000, ReporterContactBy1765000000000, DeliveryClaims1765050000000, LiveDraftInOneStatement1765100000000];
