import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect, useRef } from 'preact/hooks';
import { CONSOLE_PAGES } from '../pages.js';
import { useSession } from './auth/api-context.js';
import { AuthGate } from './auth/auth-gate.js';
import { EventsPage } from './pages/events-page.js';
import { InboxEntryPage } from './pages/inbox-entry-page.js';
import { InboxPage } from './pages/inbox-page.js';
import { MessagePage } from './pages/message-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { QueuePage } from './pages/queue-page.js';

const NAV = [
  { href: CONSOLE_PAGES.overview, label: 'Overview' },
  { href: CONSOLE_PAGES.queue, label: 'Queue' },
  { href: CONSOLE_PAGES.inboxes, label: 'Inbox' },
  { href: CONSOLE_PAGES.events, label: 'Events' },
] as const;

function isCurrent(href: string, path: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

function Shell() {
  const { path } = useLocation();
  const { signOut } = useSession();
  // After a move to another page, keyboard and screen-reader users start at its content.
  const main = useRef<HTMLElement>(null);
  const shown = useRef(path);
  useEffect(() => {
    if (shown.current === path) return;
    shown.current = path;
    main.current?.focus();
  }, [path]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">xport</span>
        <nav aria-label="Pages">
          {NAV.map((item) => (
            <a key={item.href} href={item.href} aria-current={isCurrent(item.href, path) ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        {signOut && (
          <button type="button" class="sign-out" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <Router>
          <Route path={CONSOLE_PAGES.overview} component={OverviewPage} />
          <Route path={CONSOLE_PAGES.queue} component={QueuePage} />
          <Route path={CONSOLE_PAGES.message} component={MessagePage} />
          <Route path={CONSOLE_PAGES.inboxes} component={InboxPage} />
          <Route path={CONSOLE_PAGES.inbox} component={InboxPage} />
          <Route path={CONSOLE_PAGES.inboxEntry} component={InboxEntryPage} />
          <Route path={CONSOLE_PAGES.events} component={EventsPage} />
          <Route default component={NotFoundPage} />
        </Router>
      </main>
    </>
  );
}

/** The console: sign-in when the API needs a token, then the pages, each at its own URL. */
export function App() {
  return (
    <LocationProvider>
      <AuthGate>
        <Shell />
      </AuthGate>
    </LocationProvider>
  );
}
