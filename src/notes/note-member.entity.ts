import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { FamilyMember } from '../families/family-member.entity.js';

/** A family member a note is about. */
@Entity('note_member')
export class NoteMember {
  @PrimaryColumn('uuid')
  noteId: string;

  @PrimaryColumn('uuid')
  memberId: string;

  @ManyToOne(() => FamilyMember)
  @JoinColumn({ name: 'member_id' })
  member?: FamilyMember;
}
