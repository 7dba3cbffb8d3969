import { FamilyPlanFoundation1764100000000 } from './1764100000000-FamilyPlanFoundation.js';
import { ConsentAndAudit1764200000000 } from './1764200000000-ConsentAndAudit.js';
import { ConsentGrants1764300000000 } from './1764300000000-ConsentGrants.js';
import { Referrals1764400000000 } from './1764400000000-Referrals.js';
import { IntegrationClients1764500000000 } from './1764500000000-IntegrationClients.js';
import { ReferralEvents1764600000000 } from './1764600000000-ReferralEvents.js';
import { AuditChainOffRequestPath1764700000000 } from './1764700000000-AuditChainOffRequestPath.js';
import { SupporterPlanIndex1764800000000 } from './1764800000000-SupporterPlanIndex.js';
import { TransitionToAdulthood1764900000000 } from './1764900000000-TransitionToAdulthood.js';
import { PlanClosureRetention1765000000000 } from './1765000000000-PlanClosureRetention.js';
import { NetworkInsight1765100000000 } from './1765100000000-NetworkInsight.js';
import { ReadAuditGrouped1765200000000 } from './1765200000000-ReadAuditGrouped.js';
import { IntegrationSecretRotation1765300000000 } from './1765300000000-IntegrationSecretRotation.js';
import { RepresentationRuleOnce1765400000000 } from './1765400000000-RepresentationRuleOnce.js';
import { BreakGlassByUser1765500000000 } from './1765500000000-BreakGlassByUser.js';
import { ConsentSubjectsByConsent1765600000000 } from './1765600000000-ConsentSubjectsByConsent.js';
import { ConsentsByRecipient1765700000000 } from './1765700000000-ConsentsByRecipient.js';
import { DropAuditRead1765800000000 } from './1765800000000-DropAuditRead.js';
import { OneKindPerSubject1765900000000 } from './1765900000000-OneKindPerSubject.js';
import { ClientTokensValidFrom1765910000000 } from './1765910000000-ClientTokensValidFrom.js';
import { RecipientReadBasis1766000000000 } from './1766000000000-RecipientReadBasis.js';
import { ConsentWithdrawalPerMember1766100000000 } from './1766100000000-ConsentWithdrawalPerMember.js';
import { GoalMembers1766200000000 } from './1766200000000-GoalMembers.js';
import { AuditDigestUnambiguous1766400000000 } from './1766400000000-AuditDigestUnambiguous.js';
import { PgBossFromVersion10Dropped1766630000000 } from './1766630000000-PgBossFromVersion10Dropped.js';
import { ReadAuditPerFamily1766720000000 } from './1766720000000-ReadAuditPerFamily.js';
import { Inbox1766750000000 } from './1766750000000-Inbox.js';
import { FamilyIdentity1766760000000 } from './1766760000000-FamilyIdentity.js';
import { MemberChanges1766765000000 } from './1766765000000-MemberChanges.js';
import { FamilyMerge1766770000000 } from './1766770000000-FamilyMerge.js';
import { AgencyServiceAreas1766775000000 } from './1766775000000-AgencyServiceAreas.js';
import { FamilyMoves1766776000000 } from './1766776000000-FamilyMoves.js';
import { ServiceDirectory1766780000000 } from './1766780000000-ServiceDirectory.js';
import { BridgeFigure1766785000000 } from './1766785000000-BridgeFigure.js';
import { InboxSignalIndexes1766790000000 } from './1766790000000-InboxSignalIndexes.js';
import { UserLanguage1766795000000 } from './1766795000000-UserLanguage.js';
import { NotificationChannels1766796000000 } from './1766796000000-NotificationChannels.js';
import { EraseNotificationAddress1766797000000 } from './1766797000000-EraseNotificationAddress.js';
import { DirectoryFoldedName1766820000000 } from './1766820000000-DirectoryFoldedName.js';
import { WorkContact1766833000000 } from './1766833000000-WorkContact.js';
import { LoggedReferrals1766834000000 } from './1766834000000-LoggedReferrals.js';
import { MemberPairs1766835000000 } from './1766835000000-MemberPairs.js';
import { ConsentsDoNotWiden1766836000000 } from './1766836000000-ConsentsDoNotWiden.js';
import { PlatformDueIndex1766838000000 } from './1766838000000-PlatformDueIndex.js';
import { WorkContactVersion1766841000000 } from './1766841000000-WorkContactVersion.js';
import { MergedMemberRecords1766850000000 } from './1766850000000-MergedMemberRecords.js';
import { UnnamedNotesKeepTheirRegistration1766851000000 } from './1766851000000-UnnamedNotesKeepTheirRegistration.js';
import { DirectoryReferrals1766800000000 } from './1766800000000-DirectoryReferrals.js';
import { FamilyMergeWithdrawal1766805000000 } from './1766805000000-FamilyMergeWithdrawal.js';
import { FamilyMoveWithdrawal1766805100000 } from './1766805100000-FamilyMoveWithdrawal.js';

/** Every migration, in order. A test checks that each file in this folder is listed. */
export const migrations = [
  FamilyPlanFoundation1764100000000,
  ConsentAndAudit1764200000000,
  ConsentGrants1764300000000,
  Referrals1764400000000,
  IntegrationClients1764500000000,
  ReferralEvents1764600000000,
  AuditChainOffRequestPath1764700000000,
  SupporterPlanIndex1764800000000,
  TransitionToAdulthood1764900000000,
  PlanClosureRetention1765000000000,
  NetworkInsight1765100000000,
  ReadAuditGrouped1765200000000,
  IntegrationSecretRotation1765300000000,
  RepresentationRuleOnce1765400000000,
  BreakGlassByUser1765500000000,
  ConsentSubjectsByConsent1765600000000,
  ConsentsByRecipient1765700000000,
  DropAuditRead1765800000000,
  OneKindPerSubject1765900000000,
  ClientTokensValidFrom1765910000000,
  RecipientReadBasis1766000000000,
  ConsentWithdrawalPerMember1766100000000,
  GoalMembers1766200000000,
  AuditDigestUnambiguous1766400000000,
  PgBossFromVersion10Dropped1766630000000,
  ReadAuditPerFamily1766720000000,
  Inbox1766750000000,
  FamilyIdentity1766760000000,
  MemberChanges1766765000000,
  FamilyMerge1766770000000,
  AgencyServiceAreas1766775000000,
  FamilyMoves1766776000000,
  ServiceDirectory1766780000000,
  BridgeFigure1766785000000,
  InboxSignalIndexes1766790000000,
  UserLanguage1766795000000,
  NotificationChannels1766796000000,
  EraseNotificationAddress1766797000000,
  DirectoryReferrals1766800000000,
  FamilyMergeWithdrawal1766805000000,
  FamilyMoveWithdrawal1766805100000,
  DirectoryFoldedName1766820000000,
  WorkContact1766833000000,
  LoggedReferrals1766834000000,
  MemberPairs1766835000000,
  ConsentsDoNotWiden1766836000000,
  PlatformDueIndex1766838000000,
  WorkContactVersion1766841000000,
  MergedMemberRecords1766850000000,
  UnnamedNotesKeepTheirRegistration1766851000000,
];
