// The API token is kept for this tab only: sessionStorage ends with the tab, and is never shared
// with other tabs or written to disk as localStorage is.

const KEY = 'xport.console.token';

export const sessionToken = {
  read(): string | undefined {
    return sessionStorage.getItem(KEY) ?? undefined;
  },
  keep(token: string): void {
    sessionStorage.setItem(KEY, token);
  },
  forget(): void {
    sessionStorage.removeItem(KEY);
  },
};
