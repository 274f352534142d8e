// What each migration test runs first to put a current database back in an older shape: undoing the
// later versions' changes, newest first.

/** From the current version back to version 5: v6's destination column and indexes undone. */
export const TO_V5 =
  'DROP INDEX messages_quarantined; DROP INDEX recipients_due; ' +
  'CREATE INDEX recipients_due ON recipients (due_at, message_seq, idx) WHERE due_at IS NOT NULL; ' +
  'ALTER TABLE recipients DROP COLUMN destination; ';
