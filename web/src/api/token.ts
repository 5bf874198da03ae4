/**
 * The API token: taken once from `#token=` (what `reprise serve` prints), kept in localStorage, and removed from
 * the address bar so it is not shared or kept in history.
 */
const STORAGE_KEY = 'reprise.apiToken';

/** Reads `#token=…` from the hash (alone or among other `&`-separated fields). Pure. */
export const parseHashToken = (hash: string): string | null => {
  const fields = new URLSearchParams(hash.replace(/^#/, ''));
  const token = fields.get('token');
  return token !== null && token.trim() !== '' ? token.trim() : null;
};

export const readStoredToken = (): string | null => {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
};

export const storeToken = (token: string | null): void => {
  try {
    if (token === null) {
      localStorage.removeItem(STORAGE_KEY);
    } else {
      localStorage.setItem(STORAGE_KEY, token);
    }
  } catch {
    // Private mode without storage: the token lives for this page only.
  }
};

/** On first load: a token in the hash wins, is stored, and the hash is stripped (history.replaceState). */
export const takeTokenFromLocation = (): string | null => {
  const fromHash = parseHashToken(window.location.hash);
  if (fromHash !== null) {
    storeToken(fromHash);
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', `${pathname}${search}`);
    return fromHash;
  }
  return readStoredToken();
};
