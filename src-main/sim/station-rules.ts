// Pure rules the stations and CUPS share: the CUPS LNS address (pkg/basicstation/cups/server.go
// parseAddress), the Basic Station `tc.key` file, and finding a deployment by host and port.

/** parseAddress: [scheme://]host[:port]; default scheme; default port per scheme (http 80, ws 1887, https 443, wss 8887). */
export function parseAddress(defaultScheme: string, address: string): { scheme: string; host: string; port: string; portGiven: boolean } {
  let scheme = '';
  let rest = address;
  if (address.includes('://')) {
    const i = address.indexOf('://');
    scheme = address.slice(0, i);
    rest = address.slice(i + 3).split('/')[0] ?? '';
  }
  let host = rest;
  let port = '';
  const m = /^(.*):(\d*)$/.exec(rest);
  if (m && !(m[1] ?? '').includes(':')) {
    host = m[1] ?? '';
    port = m[2] ?? '';
  }
  if (scheme === '') scheme = defaultScheme;
  const portGiven = port !== '';
  if (!portGiven) port = ({ http: '80', ws: '1887', https: '443', wss: '8887' } as Record<string, string>)[scheme] ?? '';
  return { scheme, host, port, portGiven };
}

/** The LNS URI update-info answers: `scheme://host:port` (net.JoinHostPort). */
export function lnsUri(address: string): string {
  const { scheme, host, port } = parseAddress('wss', address);
  return `${scheme}://${host}:${port}`;
}

/**
 * The key of a Basic Station `tc.key`/`cups.key` token file: its content is the HTTP header line
 * `Authorization: Bearer <key>` followed by CRLF (The Things Stack docs, lora-basics-station/lns.md).
 */
export function parseTokenFile(content: string): string | undefined {
  const line = content.replace(/\r?\n$/, '').trim();
  const m = /^Authorization:\s*(?:Bearer\s+)?(\S+)$/i.exec(line);
  return m ? m[1] : undefined;
}

export interface DeploymentAddress {
  clusterHost: string;
  clusterPort: number;
}

/**
 * The deployment an address names: its clusterHost (host:port), or its host with the port the
 * cluster listens on; an address without a port matches by host name alone (first one).
 */
export function findByAddress<T extends DeploymentAddress>(deployments: readonly T[], address: string): T | undefined {
  const { host, port, portGiven } = parseAddress('wss', address);
  const hostOf = (d: T) => parseAddress('wss', d.clusterHost).host.toLowerCase();
  if (portGiven) {
    return deployments.find((d) => d.clusterHost.toLowerCase() === `${host}:${port}`.toLowerCase() || (hostOf(d) === host.toLowerCase() && String(d.clusterPort) === port));
  }
  return deployments.find((d) => hostOf(d) === host.toLowerCase());
}
