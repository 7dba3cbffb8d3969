/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AcceptMembershipInvitationInput = {
  invitationId: string | number;
};

export type AddMembershipInput = {
  agencyId: string | number;
  /** Used when the user is new (also when she accepts an invitation); an existing user keeps its name. */
  displayName: string;
  /** Repeat with the same key: the first result, no second effect. Another payload: CONFLICT. */
  idempotencyKey?: string | null | undefined;
  role: MembershipRole;
  /** The user's subject at the identity provider (the token's `sub`). */
  subject: string;
};

export type AddPlanParticipantInput = {
  agencyId: string | number;
  contribution: string;
  expectedVersion?: number | null | undefined;
  /** Repeat with the same key: the first result, no second effect. Another payload: CONFLICT. */
  idempotencyKey?: string | null | undefined;
  planId: string | number;
};

export type AgencyKind =
  | 'CHILDCARE'
  | 'CHILD_AND_FAMILY'
  | 'CHILD_WELFARE'
  | 'EDUCATION'
  | 'GENERAL_WELFARE'
  | 'HEALTH'
  | 'MENTAL_HEALTH'
  | 'OTHER'
  | 'PUBLIC_SOCIAL_SERVICE'
  | 'SCHOOL_GUIDANCE'
  | 'VOLUNTEER_ORGANISATION';

export type AssignCaseInput = {
  familyId: string | number;
  /** Repeat with the same key: the first result, no second effect. Another payload: CONFLICT. */
  idempotencyKey?: string | null | undefined;
  /** A caseworker or volunteer of the acting agency. */
  userId: string | number;
};

export type AssignTrajectorySupporterInput = {
  expectedVersion?: number | null | undefined;
  planId: string | number;
  /** A caseworker assigned to the family. */
  userId: string | number;
};

export type ClosePlanInput = {
  /** The family members who agreed to closing: each decides for themselves, or is an adult parent or caregiver. None when the family could not be asked (it moved away, stopped contact): the plan then records that nobody agreed. */
  agreedByMemberIds?: Array<string | number> | null | undefined;
  expectedVersion?: number | null | undefined;
  planId: string | number;
  /** The reason in words; required with OTHER. */
  reason?: string | null | undefined;
  /** OTHER when absent (clients that send only the reason in words). */
  reasonCode?: CloseReasonCode | null | undefined;
};

export type CloseReasonCode =
  | 'FAMILY_ENDED_SUPPORT'
  | 'GOALS_ACHIEVED'
  | 'MOVED_AWAY'
  | 'NO_LONGER_NEEDED'
  | 'OTHER'
  | 'TRANSFERRED_TO_OTHER_SERVICE';

export type ConsentMethod =
  | 'FAMILY_PORTAL'
  | 'VERBAL_WITH_WITNESS'
  | 'WRITTEN';

export type CreateAgencyInput = {
  /** Repeat with the same key: the first result, no second effect. Another payload: CONFLICT. */
  idempotencyKey?: string | null | undefined;
  kind: AgencyKind;
  name: string;
  networkId: string | number;
};

export type CreateNetworkInput = {
  /** Repeat with the same key: the first result, no second effect. Another payload: CONFLICT. */
  idempotencyKey?: string | null | undefined;
  name: string;
};

export type CreatePortalInvitationInput = {
  /** A member who decides for itself (adult, 12 or older, or assessed capable) and has no portal login. */
  memberId: string | number;
};

export type DataCategory =
  | 'CONTACT'
  | 'HEALTH'
  | 'IDENTITY'
  | 'NOTES'
  | 'PLAN'
  | 'REFERRAL'
  | 'SAFETY';

export type FamilyMemberInput = {
  /** YYYY-MM-DD; required except for an unborn child. */
  birthDate?: string | null | undefined;
  email?: string | null | undefined;
  /** YYYY-MM-DD; for an unborn child. */
  expectedDate?: string | null | undefined;
  familyName: string;
  givenName: string;
  phone?: string | null | undefined;
  preferredLanguage?: string | null | undefined;
  role: FamilyMemberRole;
};

export type FamilyMemberRole =
  | 'CHILD'
  | 'OTHER_CAREGIVER'
  | 'PARENT'
  | 'UNBORN';

export type MembershipRole =
  | 'AGENCY_ADMIN'
  | 'CASEWORKER'
  | 'NETWORK_COORDINATOR'
  | 'VOLUNTEER';

export type MembershipStatus =
  | 'ACTIVE'
  | 'INVITED';

export type OpenPlanInput = {
  familyId: string | number;
  /** Repeat with the same key: the first result, no second effect. Another payload: CONFLICT. */
  idempotencyKey?: string | null | undefined;
  strengths?: string | null | undefined;
  /** The family's situation and wishes, in its own words. */
  summary: string;
};

export type PlanStatus =
  | 'ACTIVE'
  | 'CLOSED'
  | 'DRAFT';

export type RecordConsentInput = {
  categories: Array<DataCategory>;
  /** Where the signed form or the witness statement is kept. Required unless FAMILY_PORTAL. */
  evidenceReference?: string | null | undefined;
  /** The member who agrees: the subject itself, or a parent for a child who cannot decide yet. */
  grantorMemberId: string | number;
  /** Repeat with the same key: the first result, no second effect. Another payload: CONFLICT. */
  idempotencyKey?: string | null | undefined;
  method: ConsentMethod;
  purpose: string;
  /** e.g. PLAN_COORDINATION, REFERRAL */
  purposeCode: string;
  recipientAgencyId: string | number;
  subjectMemberIds: Array<string | number>;
  /** Defaults to now. */
  validFrom?: string | null | undefined;
  /** Open-ended when absent; revocable at any time. */
  validUntil?: string | null | undefined;
};

export type RedeemPortalInvitationInput = {
  /** The one-time code the member was given. */
  code: string;
};

export type RegisterFamilyInput = {
  /** Repeat with the same key: the first result, no second effect. Another payload: CONFLICT. */
  idempotencyKey?: string | null | undefined;
  members: Array<FamilyMemberInput>;
};

export type CreateNetworkMutationVariables = Exact<{
  input: CreateNetworkInput;
}>;


export type CreateNetworkMutation = { createNetwork: { id: string } };

export type CreateAgencyMutationVariables = Exact<{
  input: CreateAgencyInput;
}>;


export type CreateAgencyMutation = { createAgency: { id: string } };

export type AddMembershipMutationVariables = Exact<{
  input: AddMembershipInput;
}>;


export type AddMembershipMutation = { addMembership: { id: string, status: MembershipStatus, user: { id: string } | null } };

export type AcceptMembershipInvitationMutationVariables = Exact<{
  input: AcceptMembershipInvitationInput;
}>;


export type AcceptMembershipInvitationMutation = { acceptMembershipInvitation: { user: { id: string } | null } };

export type RegisterFamilyMutationVariables = Exact<{
  input: RegisterFamilyInput;
}>;


export type RegisterFamilyMutation = { registerFamily: { id: string, members: Array<{ id: string, role: FamilyMemberRole, birthDate: string | null }> } };

export type RecordConsentMutationVariables = Exact<{
  input: RecordConsentInput;
}>;


export type RecordConsentMutation = { recordConsent: { id: string } };

export type OpenPlanMutationVariables = Exact<{
  input: OpenPlanInput;
}>;


export type OpenPlanMutation = { openPlan: { id: string } };

export type ClosePlanMutationVariables = Exact<{
  input: ClosePlanInput;
}>;


export type ClosePlanMutation = { closePlan: { id: string, status: PlanStatus } };

export type AssignTrajectorySupporterMutationVariables = Exact<{
  input: AssignTrajectorySupporterInput;
}>;


export type AssignTrajectorySupporterMutation = { assignTrajectorySupporter: { id: string } };

export type AddPlanParticipantMutationVariables = Exact<{
  input: AddPlanParticipantInput;
}>;


export type AddPlanParticipantMutation = { addPlanParticipant: { id: string } };

export type AssignCaseMutationVariables = Exact<{
  input: AssignCaseInput;
}>;


export type AssignCaseMutation = { assignCase: { id: string } };

export type CreatePortalInvitationMutationVariables = Exact<{
  input: CreatePortalInvitationInput;
}>;


export type CreatePortalInvitationMutation = { createPortalInvitation: { code: string } };

export type RedeemPortalInvitationMutationVariables = Exact<{
  input: RedeemPortalInvitationInput;
}>;


export type RedeemPortalInvitationMutation = { redeemPortalInvitation: { memberId: string } };

export type FamilyMembersQueryVariables = Exact<{
  id: string | number;
}>;


export type FamilyMembersQuery = { family: { id: string, members: Array<{ id: string, role: FamilyMemberRole, birthDate: string | null }> } };

export type PlanFamilyMembersQueryVariables = Exact<{
  id: string | number;
}>;


export type PlanFamilyMembersQuery = { plan: { family: { members: Array<{ id: string, role: FamilyMemberRole }> } } };


export const CreateNetworkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateNetwork"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateNetworkInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createNetwork"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreateNetworkMutation, CreateNetworkMutationVariables>;
export const CreateAgencyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAgency"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAgencyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAgency"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreateAgencyMutation, CreateAgencyMutationVariables>;
export const AddMembershipDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddMembership"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AddMembershipInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addMembership"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<AddMembershipMutation, AddMembershipMutationVariables>;
export const AcceptMembershipInvitationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AcceptMembershipInvitation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AcceptMembershipInvitationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acceptMembershipInvitation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<AcceptMembershipInvitationMutation, AcceptMembershipInvitationMutationVariables>;
export const RegisterFamilyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterFamily"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterFamilyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerFamily"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"birthDate"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterFamilyMutation, RegisterFamilyMutationVariables>;
export const RecordConsentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordConsent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordConsentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordConsent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<RecordConsentMutation, RecordConsentMutationVariables>;
export const OpenPlanDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"OpenPlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"OpenPlanInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"openPlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<OpenPlanMutation, OpenPlanMutationVariables>;
export const ClosePlanDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClosePlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ClosePlanInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"closePlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ClosePlanMutation, ClosePlanMutationVariables>;
export const AssignTrajectorySupporterDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AssignTrajectorySupporter"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AssignTrajectorySupporterInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"assignTrajectorySupporter"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<AssignTrajectorySupporterMutation, AssignTrajectorySupporterMutationVariables>;
export const AddPlanParticipantDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddPlanParticipant"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AddPlanParticipantInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addPlanParticipant"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<AddPlanParticipantMutation, AddPlanParticipantMutationVariables>;
export const AssignCaseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AssignCase"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AssignCaseInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"assignCase"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<AssignCaseMutation, AssignCaseMutationVariables>;
export const CreatePortalInvitationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreatePortalInvitation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePortalInvitationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createPortalInvitation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]} as unknown as DocumentNode<CreatePortalInvitationMutation, CreatePortalInvitationMutationVariables>;
export const RedeemPortalInvitationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RedeemPortalInvitation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RedeemPortalInvitationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"redeemPortalInvitation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"memberId"}}]}}]}}]} as unknown as DocumentNode<RedeemPortalInvitationMutation, RedeemPortalInvitationMutationVariables>;
export const FamilyMembersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FamilyMembers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"family"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"birthDate"}}]}}]}}]}}]} as unknown as DocumentNode<FamilyMembersQuery, FamilyMembersQueryVariables>;
export const PlanFamilyMembersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PlanFamilyMembers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"plan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"family"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PlanFamilyMembersQuery, PlanFamilyMembersQueryVariables>;