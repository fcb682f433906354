// From the selected source gateways to a gateway plan under review.
import { useGateways } from '../stores/gateways';
import { useNavigation } from '../stores/navigation';

/** Why the gateway selection cannot be planned now, or undefined. */
export function gatewayPlanBlockedReason(): string | undefined {
  const g = useGateways.getState();
  if (g.selection.selected.size === 0) return 'Select gateways in the source list first.';
  if (!g.source.connectionId) return 'Choose a source connection.';
  if (!g.target.connectionId) return 'Choose a target connection.';
  if (g.source.connectionId === g.target.connectionId) return 'The source and the target are the same connection.';
  return undefined;
}

export function planGatewaySelection(): void {
  const g = useGateways.getState();
  const nav = useNavigation.getState();
  const reason = gatewayPlanBlockedReason();
  if (reason) {
    nav.toast('bad', reason);
    return;
  }
  const { source, target } = g;
  if (!source.connectionId || !target.connectionId) return;
  // List order, not click order.
  const gatewayIds = source.rows.filter((r) => g.selection.selected.has(r.id)).map((r) => r.id);
  g.createPlan({ source: source.connectionId, target: target.connectionId, gatewayIds });
  nav.go('gateway-plan');
}
