import { Args, Field, Float, ID, ObjectType, Query, registerEnumType, Resolver } from '@nestjs/graphql';
import { CurrentStaff, Permission, StaffOnly, type StaffIdentity } from '@front-counter/identity';
import type { EvidenceFileRow } from './evidence.repository.js';
import { EvidenceService, type EvidenceVariant } from './evidence.service.js';

export enum EvidenceVariantValue {
  DISPLAY = 'display',
  THUMBNAIL = 'thumbnail',
  ORIGINAL = 'original',
}
registerEnumType(EvidenceVariantValue, {
  name: 'EvidenceVariant',
  description: 'DISPLAY and THUMBNAIL: the copies of a photo without its metadata. ORIGINAL: a video or document as received (a photo’s original is sealed).',
});

export enum ScanStatusValue {
  PENDING = 'pending',
  CLEAN = 'clean',
  INFECTED = 'infected',
  NOT_SCANNED = 'not-scanned',
  UNPROCESSABLE = 'unprocessable',
}
registerEnumType(ScanStatusValue, {
  name: 'ScanStatus',
  description:
    'PENDING until scanned; NOT_SCANNED when no scanner is configured or the file is larger than it takes (never shown as clean); UNPROCESSABLE when it could not be processed (a damaged photo, or processing failed at every attempt): it cannot be opened, and the original is kept as received.',
});

@ObjectType('EvidenceLink')
export class EvidenceLinkModel {
  @Field({ description: 'A path on the api (or, through a force site, under /staff), valid until expiresAt.' })
  path: string;

  @Field()
  expiresAt: Date;
}

@ObjectType('EvidenceFile', { description: 'A file sent with a report. Only CLEAN and NOT_SCANNED files can be opened.' })
export class EvidenceFileModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The name the reporter’s device gave it.' })
  name: string;

  @Field({ description: 'image, video or document.' })
  kind: string;

  @Field({ description: 'As detected from its bytes.' })
  mediaType: string;

  @Field(() => Float)
  sizeBytes: number;

  @Field({ description: 'SHA-256 of the file as received, for evidential integrity.' })
  sha256: string;

  @Field(() => ScanStatusValue)
  scanStatus: ScanStatusValue;

  @Field(() => String, { nullable: true, description: 'The signature found, why it was not scanned, or why it could not be processed.' })
  scanDetail: string | null;

  @Field({ description: 'Whether a link can be made to it now.' })
  available: boolean;

  @Field({ description: 'Whether there is a thumbnail (photos, once their copies are made).' })
  hasThumbnail: boolean;

  @Field({ description: 'journey (with the report) or tracking (added later).' })
  source: string;

  @Field()
  uploadedAt: Date;

  @Field(() => EvidenceLinkModel, { nullable: true, description: 'A 5-minute link to download it (a photo: its copy without metadata); null until it may be opened.' })
  download: EvidenceLinkModel | null;

  @Field(() => EvidenceLinkModel, { nullable: true, description: 'A 5-minute link to a photo’s thumbnail.' })
  thumbnail: EvidenceLinkModel | null;
}

function toModel(file: EvidenceFileRow, links: { download: EvidenceLinkModel | null; thumbnail: EvidenceLinkModel | null }): EvidenceFileModel {
  const servable = file.scanStatus === 'clean' || file.scanStatus === 'not-scanned';
  return {
    id: file.id,
    name: file.originalName,
    kind: file.kind,
    mediaType: file.mediaType,
    sizeBytes: file.sizeBytes,
    sha256: file.sha256,
    scanStatus: file.scanStatus as ScanStatusValue,
    scanDetail: file.scanDetail,
    available: servable && (file.kind !== 'image' || file.displayKey !== null),
    hasThumbnail: servable && file.thumbnailKey !== null,
    source: file.source,
    uploadedAt: file.createdAt,
    ...links,
  };
}

/** Staff: a report's files, and short-lived links to them. Another force's report or file is "not found". */
@Resolver()
export class EvidenceResolver {
  constructor(private readonly evidence: EvidenceService) {}

  @Query(() => [EvidenceFileModel], { description: 'The files sent with a report, oldest first.' })
  @StaffOnly(Permission.ReadReport)
  async reportEvidence(@CurrentStaff() staff: StaffIdentity, @Args('report', { description: 'The report’s id or reference.' }) report: string): Promise<EvidenceFileModel[]> {
    return (await this.evidence.reportFiles(staff, report)).map((file) =>
      toModel(file, { download: this.evidence.linkFor(staff, file, file.kind === 'image' ? 'display' : 'original'), thumbnail: this.evidence.linkFor(staff, file, 'thumbnail') }),
    );
  }

  @Query(() => EvidenceLinkModel, { description: 'A link to a file valid for 5 minutes. Each download through it is audited.' })
  @StaffOnly(Permission.ReadReport)
  async evidenceLink(
    @CurrentStaff() staff: StaffIdentity,
    @Args('file', { type: () => String }) file: string,
    @Args('variant', { type: () => EvidenceVariantValue, defaultValue: EvidenceVariantValue.DISPLAY }) variant: EvidenceVariantValue,
  ): Promise<EvidenceLinkModel> {
    return this.evidence.downloadLink(staff, file, variant as EvidenceVariant);
  }
}
