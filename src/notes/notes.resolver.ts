import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { FamiliesService } from '../families/families.service.js';
import { FamilyMember } from '../families/family-member.entity.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Plan } from '../plans/plan.entity.js';
import { Policy } from '../policy/policy.decorator.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AddNoteInput } from './dto/add-note.input.js';
import { Note } from './note.entity.js';
import { NotesService } from './notes.service.js';

@Resolver(() => Note)
export class NotesResolver {
  constructor(
    private readonly notes: NotesService,
    private readonly users: UsersService,
    private readonly agencies: AgenciesService,
    private readonly families: FamiliesService,
  ) {}

  @Mutation(() => Note, { description: 'Volunteers may not write HEALTH or SAFETY notes.' })
  @Policy('create', 'Note')
  addNote(@CurrentCaller() caller: Caller, @Args('input') input: AddNoteInput): Promise<Note> {
    return this.notes.add(caller, input);
  }

  @ResolveField(() => User)
  async author(@Parent() note: Note, @Loaders() loaders: RequestLoaders): Promise<User> {
    return (await this.users.byId(loaders, note.authorUserId))!;
  }

  @ResolveField(() => Agency, { description: 'The agency the author acted for.' })
  async authorAgency(@Parent() note: Note, @Loaders() loaders: RequestLoaders): Promise<Agency> {
    return (await this.agencies.byId(loaders, note.authorAgencyId))!;
  }

  @ResolveField(() => [FamilyMember], { description: 'The family members the note is about.' })
  async members(@Parent() note: Note, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    // Members the caller may not see stay out (a note may concern several members).
    return this.families.visibleByIds(caller, loaders, await this.notes.memberIdsOf(caller, loaders, note.id));
  }
}

@Resolver(() => Plan)
export class PlanNotesResolver {
  constructor(private readonly service: NotesService) {}

  @ResolveField(() => [Note], { description: 'Only the categories the caller may read.' })
  notes(@Parent() plan: Plan, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.service.notesOf(caller, loaders, plan.id);
  }
}
