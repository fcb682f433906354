// Whether an address is this computer. Plain http:// is accepted only for these (the API key
// travels in every request). No imports: the renderer uses it too, to offer the confirmation.

/** Whether a URL's host is this computer: 127.0.0.0/8, ::1 or localhost (nothing leaves it). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host === '[::1]') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return v4 !== null && v4[1] === '127' && v4.slice(2).every((n) => Number(n) <= 255);
}

/** Plain http:// to a host other than this computer: the API key would cross the network unencrypted. */
export const isInsecureRemoteUrl = (url: string): boolean => /^http:\/\//i.test(url.trim()) && !isLoopbackUrl(url.trim());
