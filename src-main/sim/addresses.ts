// Server addresses as the Identity Server compares them: by host, read the way Go's
// net/url and net.SplitHostPort read them (pkg/identityserver/end_device_registry.go getHost).

const hasCtl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
/** Characters net/url accepts unescaped in a host (shouldEscape with encodeHost). */
const HOST_CHARS = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"%]*$/;
const USERINFO_CHARS = /^[A-Za-z0-9\-_.~!$&'()*+,;=%@:]*$/;

/** Go net/url.Parse, reduced to what getHost reads: the host[:port] of the authority, or undefined on a parse error. */
function urlHost(raw: string): string | undefined {
  if (hasCtl(raw)) return undefined; // invalid control character in URL
  const noFragment = raw.split('#')[0] as string;
  // getScheme: letters, then letters, digits, + - . up to the colon.
  let scheme = '';
  let rest = noFragment;
  for (let i = 0; i < noFragment.length; i++) {
    const ch = noFragment[i] as string;
    if (/[A-Za-z]/.test(ch)) continue;
    if (/[0-9+\-.]/.test(ch)) {
      if (i === 0) break;
      continue;
    }
    if (ch === ':') {
      if (i === 0) return undefined; // missing protocol scheme
      scheme = noFragment.slice(0, i);
      rest = noFragment.slice(i + 1);
    }
    break;
  }
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) rest = rest.slice(0, -1);
  else rest = rest.split('?')[0] as string;
  if (!rest.startsWith('/')) {
    if (scheme !== '') return ''; // opaque
    if ((rest.split('/')[0] as string).includes(':')) return undefined; // first path segment cannot contain colon
  }
  if (!((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//'))) return '';
  let authority = rest.slice(2);
  const slash = authority.indexOf('/');
  if (slash >= 0) authority = authority.slice(0, slash);
  const at = authority.lastIndexOf('@');
  if (at >= 0 && !USERINFO_CHARS.test(authority.slice(0, at))) return undefined;
  let host = at >= 0 ? authority.slice(at + 1) : authority;
  // parseHost: a port after the (last) colon must be digits.
  const validPort = (p: string) => p === '' || /^:[0-9]*$/.test(p);
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0 || !validPort(host.slice(close + 1))) return undefined;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validPort(host.slice(colon))) return undefined;
  }
  if (!HOST_CHARS.test(host)) return undefined;
  try {
    host = decodeURIComponent(host);
  } catch {
    return undefined;
  }
  return host;
}

/** Go net.SplitHostPort's host, or undefined on its errors. */
function splitHostPort(hostport: string): string | undefined {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined; // missing port
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return undefined;
    if (end + 1 !== i) return undefined; // missing port or too many colons
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return undefined; // too many colons
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return undefined;
  return host;
}

/**
 * pkg/identityserver/end_device_registry.go getHost: the URL's host when the
 * address has a scheme, then the host without port; on a parse error the
 * address is kept as it is.
 */
export function getHost(address: string): string {
  let a = address;
  if (a.includes('://')) {
    const host = urlHost(a);
    if (host !== undefined) a = host;
  }
  if (a.includes(':')) {
    const host = splitHostPort(a);
    if (host !== undefined) return host;
  }
  return a;
}
