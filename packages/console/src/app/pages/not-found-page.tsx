export function NotFoundPage() {
  return (
    <section>
      <h1>No such page</h1>
      <p>
        The console has no page at this address. Go to the <a href="/">overview</a>.
      </p>
    </section>
  );
}
