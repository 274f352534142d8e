import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { pageUrls } from '../api/api-paths.js';

/** Opens a mailbox by its address (`loopback:ada`, `ada@example.org`). */
export function MailboxPicker({ current }: { readonly current?: string }) {
  const { route } = useLocation();
  const [mailbox, setMailbox] = useState(current ?? '');
  return (
    <form
      class="mailbox-picker"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        if (mailbox.trim() !== '') route(pageUrls.inbox(mailbox.trim()));
      }}
    >
      <label for="mailbox">Mailbox</label>
      <input id="mailbox" name="mailbox" type="text" placeholder="loopback:ada" required value={mailbox} onInput={(e) => setMailbox(e.currentTarget.value)} />
      <button type="submit">Open</button>
    </form>
  );
}
