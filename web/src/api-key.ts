/**
 * The server's API key as the page keeps it: in this browser's localStorage, sent with every request
 * (fetches, the event stream, images and downloads) when set. Needed when the server sets
 * KILN_API_KEY: for writes, and in private mode for reads too.
 */

const STORAGE_KEY = 'kiln.apiKey';

export function apiKey(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return ''; // storage disabled: the page still works without a key
  }
}

export function setApiKey(key: string): void {
  try {
    if (key) localStorage.setItem(STORAGE_KEY, key);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage disabled: the key lasts as long as the field's value.
  }
}

/** The Authorization header for the stored key, or none. */
export function authHeaders(): Record<string, string> {
  const key = apiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}
