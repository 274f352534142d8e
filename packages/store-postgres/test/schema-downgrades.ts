// What each migration test runs first to put a current schema back in an older shape: undoing the
// later versions' changes, newest first.

/** From the current version back to version 4: v5's destination column and indexes undone. */
export function toV4(schema: string): string {
  const s = `"${schema}"`;
  return `DROP INDEX ${s}.recipients_by_state; DROP INDEX ${s}.messages_quarantined; ALTER TABLE ${s}.recipients DROP COLUMN destination; `;
}
