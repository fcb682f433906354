// What a gateway's move does and what the user does by hand, in words (plan, sheet, CLI).
import type { GatewayAction, GatewayKind } from './schema.js';

export function stepsOf(action: GatewayAction, onTarget: boolean, address: string): string[] {
  const create = onTarget ? [] : ['Register the gateway on the target with the same EUI, name, description, attributes, antennas, frequency plans and settings.'];
  switch (action) {
    case 'repoint':
      return [
        ...create,
        'Make a target gateway API key with just the link right (the LNS key); keep it in the keychain.',
        'Save the source gateway\'s Gateway Server address and LNS key (for a rollback).',
        `On the source, set the Gateway Server address to ${address} and the LNS key to the target key: the gateway's next CUPS check sends it to the target.`,
        'Wait until the target\'s Gateway Server reports it connected.',
      ];
    case 'lns-files':
      return [...create, 'Make a target gateway API key with just the link right; keep it in the keychain.', 'Prepare tc.uri and tc.key for the gateway (in the sheet you save).'];
    case 'udp-sheet':
      return [...create, `Prepare the sheet with the new server address (${address}, ports 1700).`];
    case 'claim':
      return ['Unclaim the gateway on the source.', 'Claim it on the target with its owner token (the target registers it).', 'Wait until the target\'s Gateway Server reports it connected.'];
    case 'manual':
      return ['Nothing automated: see what to do by hand.'];
    case 'skip':
      return ['Nothing.'];
  }
}

export function sourceAfter(action: GatewayAction): string {
  switch (action) {
    case 'repoint':
      return 'Stays registered on the source: the gateway keeps asking the source\'s CUPS, which now sends it to the target. Do not delete it there.';
    case 'claim':
      return 'Unclaimed: the gateway controller now sends it to the target. The source registration stays (unclaiming does not delete it): delete it there once the gateway is connected to the target.';
    case 'skip':
      return 'Unchanged.';
    default:
      return 'Unchanged: delete it from the source once the gateway is connected to the target, so its EUI is free.';
  }
}

export function manualSteps(action: GatewayAction, kind: GatewayKind, address: string): string[] {
  switch (action) {
    case 'repoint':
      return ['Nothing, or reboot the gateway to make it ask CUPS now (otherwise within minutes to a day).'];
    case 'lns-files':
      return [`Install tc.uri (wss://${address}:8887) and tc.key from the sheet on the gateway (its web interface or the maker's tool).`];
    case 'udp-sheet':
      return [
        `Edit the packet forwarder's global_conf.json / local_conf.json (or the maker's web interface): server_address ${address}, serv_port_up 1700, serv_port_down 1700.`,
        ...(kind === 'unknown' ? ['If it is a Basic Station instead, choose its kind and plan again: it then gets an LNS key.'] : []),
      ];
    case 'claim':
      return ['Keep the gateway\'s subscription active (The Things Indoor Gateway Pro and other managed gateways).'];
    case 'manual':
      return kind === 'claimable'
        ? ['Give the owner token from the gateway\'s label (or fleet dashboard) to let Stack Migrator claim it, or unclaim it on the source and claim it on the target in the Console.']
        : ['Register the gateway on the target and point it there by hand.'];
    case 'skip':
      return [];
  }
}
