import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { forbidden } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { type MemberPair, PAIRS, pairColumns } from '../families/member-pair.js';
import { NotificationChannel, type NotificationChannelSetting, type SetNotificationChannelInput } from './notification-channel.js';

/** The owner of an e-mail setting: a professional (for all its agencies) or a family member in the portal. */
type Owner = { column: 'user_id'; id: string; familyId: null } | { column: 'member_id'; id: string; familyId: string };

/** Each person's own choice of notification e-mails (docs/inbox.md, "E-mail"); OFF unless it chose. */
@Injectable()
export class NotificationChannels {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tx: AuditedTransactions,
  ) {}

  async of(caller: Caller): Promise<NotificationChannelSetting> {
    const owner = ownerOf(caller);
    const [row]: NotificationChannelSetting[] = await this.db.query(`SELECT channel, email FROM notification_channel WHERE ${owner.column} = $1`, [owner.id]);
    return row ?? { channel: NotificationChannel.OFF, email: null };
  }

  /** Sets the caller's channel; OFF forgets its address. Audited (a member's shows in its family's access log). */
  async set(caller: Caller, input: SetNotificationChannelInput): Promise<NotificationChannelSetting> {
    const owner = ownerOf(caller);
    const email = input.channel === NotificationChannel.OFF ? null : input.email!.trim();
    await this.tx.run(caller, (em) =>
      em.query(
        `INSERT INTO notification_channel (id, ${owner.column}, family_id, channel, email) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (${owner.column}) DO UPDATE SET channel = excluded.channel, email = excluded.email, updated_at = now()`,
        [newId(), owner.id, owner.familyId, input.channel, email],
      ),
    );
    return { channel: input.channel, email };
  }

  /** A merge (docs/family-merge.md): the settings of the members who moved name the surviving family. */
  async moveToFamily(em: EntityManager, fromFamilyId: string, toFamilyId: string): Promise<void> {
    await em.query(`UPDATE notification_channel SET family_id = $2 WHERE family_id = $1`, [fromFamilyId, toFamilyId]);
  }

  /**
   * A merge of members that are the same person: the surviving member keeps her own setting when she has one (she
   * chose it last for the login that goes on), and the ended record's is forgotten with its address; otherwise
   * the ended record's setting becomes hers, so that she keeps getting the e-mails she asked for.
   */
  async mapMembers(em: EntityManager, survivingFamilyId: string, pairs: readonly MemberPair[]): Promise<void> {
    const columns = pairColumns(pairs);
    await em.query(
      `DELETE FROM notification_channel a USING ${PAIRS}
        WHERE a.member_id = p.absorbed AND EXISTS (SELECT 1 FROM notification_channel s WHERE s.member_id = p.surviving)`,
      columns,
    );
    await em.query(
      `UPDATE notification_channel a SET member_id = p.surviving, family_id = $3, updated_at = now() FROM ${PAIRS} WHERE a.member_id = p.absorbed`,
      [...columns, survivingFamilyId],
    );
  }
}

function ownerOf({ principal }: Caller): Owner {
  if (principal.familyMember) return { column: 'member_id', id: principal.familyMember.memberId, familyId: principal.familyMember.familyId };
  if (principal.userId) return { column: 'user_id', id: principal.userId, familyId: null };
  throw forbidden('E-mail settings belong to a professional or to a family member in the portal');
}
