import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Authenticated, Policy } from '../policy/policy.decorator.js';
import { CreatePortalInvitationInput, RedeemPortalInvitationInput, UnlinkFamilyPortalInput } from './dto/portal-invitation.input.js';
import { PortalInvitationCode, PortalLogin } from './portal-invitation.type.js';
import { PortalInvitationsService } from './portal-invitations.service.js';

@Resolver()
export class PortalInvitationsResolver {
  constructor(private readonly invitations: PortalInvitationsService) {}

  @Mutation(() => PortalInvitationCode, {
    description: 'A one-time code (shown once, expiring) with which a member who decides for herself links her own login to the family portal.',
  })
  @Policy('invitePortal', 'FamilyMember')
  createPortalInvitation(@CurrentCaller() caller: Caller, @Args('input') input: CreatePortalInvitationInput): Promise<PortalInvitationCode> {
    return this.invitations.create(caller, input.memberId);
  }

  @Mutation(() => PortalLogin, { description: "Links the caller's own login to the family portal, with the code the member was given." })
  @Authenticated()
  redeemPortalInvitation(@CurrentCaller() caller: Caller, @Args('input') input: RedeemPortalInvitationInput): Promise<PortalLogin> {
    return this.invitations.redeem(caller, input.code);
  }

  @Mutation(() => PortalLogin, { description: "Ends a member's portal login; the family sees it in its access log." })
  @Policy('endPortalLogin', 'FamilyMember')
  unlinkFamilyPortal(@CurrentCaller() caller: Caller, @Args('input') input: UnlinkFamilyPortalInput): Promise<PortalLogin> {
    return this.invitations.unlink(caller, input.memberId);
  }
}
