// The bar under the panes: what is selected, the button that plans it, and the run.
import { Icon } from '../../components/Icon';
import { formatCount, formatDuration, formatRate, plural } from '../../lib/format';
import { planBlockedReason, planSelection } from '../../lib/plan-selection';
import { useNavigation } from '../../stores/navigation';
import { useRun } from '../../stores/run';
import { useWorkspace } from '../../stores/workspace';

export function SelectionBar() {
  const n = useWorkspace((s) => s.selection.selected.size);
  // Subscribed so the reason below is recomputed when either side changes.
  useWorkspace((s) => s.source.ref);
  useWorkspace((s) => s.target.ref);
  const blocked = planBlockedReason();
  return (
    <footer className="selection-bar" aria-label="Selection">
      <div className="selection-info" aria-live="polite">
        {n > 0 ? (
          <>
            <strong data-testid="selection-count">{plural(n, 'device')} selected</strong>
            <button type="button" className="button button-ghost button-small" onClick={() => useWorkspace.getState().clearSelection()}>
              Clear
            </button>
          </>
        ) : (
          <span className="muted">
            <Icon name="info" /> Drag across source devices to select them (shift-click and ctrl-click work too), then drag them onto the target.
          </span>
        )}
      </div>
      <RunMini />
      <button
        type="button"
        className="button button-primary"
        disabled={Boolean(blocked)}
        title={blocked}
        onClick={planSelection}
      >
        Migrate {n > 0 ? plural(n, 'device') : 'devices'}…
      </button>
    </footer>
  );
}

function RunMini() {
  const run = useRun((s) => s.run);
  const totals = useRun((s) => s.totals);
  const runState = useRun((s) => s.runState);
  const go = useNavigation((s) => s.go);
  if (!run) return null;
  const total = totals?.total ?? run.total;
  const done = totals?.done ?? 0;
  const pct = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <button type="button" className="run-mini" onClick={() => go('progress')} aria-label={`Migration ${runState ?? ''}: ${done} of ${total} devices. Show progress.`}>
      <span className="run-mini-label">{runState === 'finished' ? 'Migration finished' : runState === 'paused' ? 'Migration paused' : 'Migrating'}</span>
      <span className="run-mini-bar" aria-hidden="true">
        <span className="run-mini-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="run-mini-text">
        {formatCount(done)}/{formatCount(total)}
        {totals && runState === 'running' ? ` · ${formatRate(totals.devicesPerSecond)}/s · ${formatDuration(totals.etaSeconds)}` : ''}
      </span>
    </button>
  );
}
