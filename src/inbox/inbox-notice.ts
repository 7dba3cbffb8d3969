/** NOTIFY channel of inbox changes, sent in the changing transaction (so on commit, to every replica). */
export const INBOX_CHANNEL = 'inbox_changed';

/** What a notice names: the event whose items were written, or the inbox whose items were marked read. */
export interface InboxNotice {
  eventId?: string;
  recipientId?: string;
}
