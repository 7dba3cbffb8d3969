import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { HistoryModule } from '../history/history.module.js';
import { UsersModule } from '../users/users.module.js';
import { NoteMember } from './note-member.entity.js';
import { Note } from './note.entity.js';
import { NotesResolver, PlanNotesResolver } from './notes.resolver.js';
import { NotesService } from './notes.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Note, NoteMember]), FamiliesModule, HistoryModule, UsersModule, AgenciesModule],
  providers: [NotesService, NotesResolver, PlanNotesResolver],
  exports: [NotesService],
})
export class NotesModule {}
