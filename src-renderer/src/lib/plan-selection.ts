// From the workspace selection to a plan under review.
import { useNavigation } from '../stores/navigation';
import { usePlan } from '../stores/plan';
import { useWorkspace } from '../stores/workspace';

/** Why the selection cannot be planned now, or undefined. */
export function planBlockedReason(): string | undefined {
  const w = useWorkspace.getState();
  if (w.selection.selected.size === 0) return 'Select devices in the source list first.';
  if (!w.source.ref?.applicationId) return 'Choose a source application.';
  if (!w.target.ref?.applicationId) return 'Choose a target application.';
  if (w.source.ref.connectionId === w.target.ref.connectionId && w.source.ref.applicationId === w.target.ref.applicationId) {
    return 'The source and the target are the same application.';
  }
  return undefined;
}

export function planSelection(): void {
  const w = useWorkspace.getState();
  const nav = useNavigation.getState();
  const reason = planBlockedReason();
  if (reason) {
    nav.toast('bad', reason);
    return;
  }
  const selected = w.selection.selected;
  // Source list order, not click order: the plan reads like the list.
  const deviceIds: string[] = [];
  for (const row of w.source.rows) if (row && selected.has(row.id)) deviceIds.push(row.id);
  const source = w.source.ref;
  const target = w.target.ref;
  if (!source || !target) return;
  void usePlan.getState().create({ source, target, deviceIds });
  nav.go('plan');
}
