// The gateway kinds in words: no zod here, so the renderer bundle takes these labels from the
// same place as the main process (a plain module, like stack/loopback.ts).
export const GATEWAY_KINDS = ['cups', 'ttig', 'lns', 'udp', 'claimable', 'unknown'] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

export const KIND_LABELS: Record<GatewayKind, string> = {
  cups: 'Basic Station with CUPS',
  ttig: 'The Things Indoor Gateway',
  lns: 'Basic Station, LNS only',
  udp: 'UDP packet forwarder',
  claimable: 'Claimable (managed) gateway',
  unknown: 'Unknown kind',
};
