// Server addresses ("eu1.cloud.thethings.network", "host:8886", "https://host:8443") as The
// Things Stack compares them: by host only, scheme, port and path stripped
// (pkg/identityserver/end_device_registry.go getHost).

/** The host part of a server address. */
export function serverHost(address: string): string {
  let a = address.trim();
  const scheme = a.indexOf('://');
  if (scheme >= 0) a = a.slice(scheme + 3);
  a = a.split(/[/?#]/)[0] ?? '';
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    return end > 0 ? a.slice(1, end) : a;
  }
  const colon = a.indexOf(':');
  // More than one colon without brackets: a bare IPv6 address, no port to strip.
  if (colon >= 0 && a.indexOf(':', colon + 1) < 0) return a.slice(0, colon);
  return a;
}

/** Whether two server addresses name the same server (host names compare case-insensitively). */
export const sameServerHost = (a: string, b: string) => serverHost(a).toLowerCase() === serverHost(b).toLowerCase();
