// The arrivals of one run: did each device join the target, is the source still hearing it,
// and what to do about the stragglers — checked again on demand, exported as CSV, and a
// second trigger for the stragglers the person picks.
import { useMemo, useState } from 'react';
import { Callout } from '../../components/Callout';
import { Icon } from '../../components/Icon';
import { call, messageOf } from '../../ipc/bridge';
import { canTriggerAgain, filterArrivals, sortArrivals, type ArrivalsFilter } from '../../lib/arrivals';
import { formatCount, formatDateTime, plural } from '../../lib/format';
import { useArrivals } from '../../stores/arrivals';
import { useNavigation } from '../../stores/navigation';
import { useRun } from '../../stores/run';
import { ArrivalsList } from './ArrivalsList';
import { TriggerAgainDialog } from './TriggerAgainDialog';

export function ArrivalsScreen() {
  const { run, report, checking, error, triggerFailures } = useArrivals();
  const go = useNavigation((s) => s.go);
  const isCurrentRun = useRun((s) => s.run !== undefined && s.run.runId === run?.runId);
  const toast = useNavigation((s) => s.toast);
  const [chosenFilter, setFilter] = useState<ArrivalsFilter>();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const sorted = useMemo(() => sortArrivals(report?.rows ?? []), [report]);
  const filter = chosenFilter ?? (report && report.counts.stragglers === 0 ? 'all' : 'stragglers');
  const rows = useMemo(() => filterArrivals(sorted, filter), [sorted, filter]);
  const eligible = useMemo(() => sorted.filter(canTriggerAgain), [sorted]);
  // Only devices still eligible after a re-check stay selected.
  const chosen = useMemo(() => eligible.filter((r) => selected.has(r.sourceId)), [eligible, selected]);

  if (!run) {
    return (
      <div className="screen arrivals-screen">
        <div className="pane-empty">
          <Icon name="list" />
          <div className="pane-empty-title">No run chosen</div>
          <button type="button" className="button" onClick={() => go('history')}>
            Open the run history
          </button>
        </div>
      </div>
    );
  }

  const save = async (format: 'csv' | 'json') => {
    try {
      const result = await call('arrivals:save', { runId: run.runId, format });
      if ('savedTo' in result) toast('good', `Saved to ${result.savedTo}`);
    } catch (err) {
      toast('bad', messageOf(err));
    }
  };
  const filters: { id: ArrivalsFilter; label: string; n: number }[] = report
    ? [
        { id: 'stragglers', label: 'Stragglers', n: report.counts.stragglers },
        { id: 'joined', label: 'Joined', n: report.counts.joined },
        { id: 'not-expected', label: 'Nothing to wait for', n: report.counts.notExpected },
        { id: 'all', label: 'All', n: report.rows.length },
      ]
    : [];

  return (
    <div className="screen arrivals-screen">
      <div className="screen-head">
        <div>
          <h2 className="screen-title">Arrivals</h2>
          <p className="screen-lead route">
            <span>{run.sourceLabel}</span> <Icon name="arrow-right" /> <span>{run.targetLabel}</span>
            <span className="muted">· run of {formatDateTime(run.createdAt)}</span>
          </p>
        </div>
        <div className="head-actions">
          <span className="muted small" aria-live="polite" data-testid="arrivals-checked">
            {checking ? 'Checking…' : report ? `Checked ${formatDateTime(report.checkedAt)}` : ''}
          </span>
          <button type="button" className="button" disabled={checking} onClick={() => void useArrivals.getState().check()}>
            <Icon name="refresh" /> Check again
          </button>
          <button type="button" className="button" disabled={!report} onClick={() => void save('csv')}>
            <Icon name="save" /> Export CSV
          </button>
          <button type="button" className="button" disabled={!report} onClick={() => void save('json')}>
            <Icon name="save" /> Export JSON
          </button>
        </div>
      </div>

      {error ? (
        <Callout tone="error" role="alert" title="The arrivals could not be checked." actions={<button type="button" className="button button-small" onClick={() => void useArrivals.getState().check()}><Icon name="retry" /> Try again</button>}>
          {error}
        </Callout>
      ) : null}
      {!report && checking ? (
        <div className="planning" role="status">
          <span className="spinner" aria-hidden="true" /> Checking {plural(run.total, 'device')} on the target and the source…
        </div>
      ) : null}
      {report?.problems.length ? (
        <Callout tone="warning" title="Not everything could be checked:">
          <ul className="issue-list">
            {report.problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </Callout>
      ) : null}
      {triggerFailures.length > 0 ? (
        <Callout tone="error" title={`${plural(triggerFailures.length, 'device')} did not get the second trigger:`}>
          <ul className="issue-list">
            {triggerFailures.slice(0, 10).map((f) => (
              <li key={f.deviceId}>
                <span className="device-id">{f.deviceId}</span>: {f.error}
              </li>
            ))}
            {triggerFailures.length > 10 ? <li>and {formatCount(triggerFailures.length - 10)} more</li> : null}
          </ul>
        </Callout>
      ) : null}

      {report ? (
        <>
          <div className="summary-tiles arrivals-tiles" aria-label="Arrivals summary">
            <ArrivalTile n={report.counts.joined} label="joined the target" tone={report.counts.joined > 0 ? 'good' : 'neutral'} icon="joined" testId="arrivals-joined" />
            <ArrivalTile n={report.counts.stragglers} label="stragglers" tone={report.counts.stragglers > 0 ? 'warn' : 'neutral'} icon="waiting" testId="arrivals-stragglers" />
            <ArrivalTile n={report.counts.notExpected} label="nothing to wait for" tone="neutral" icon="skipped" testId="arrivals-not-expected" />
          </div>
          <section className="card arrivals-devices" aria-label="Devices">
            <div className="arrivals-toolbar">
              <div className="mark-filter" role="radiogroup" aria-label="Show devices">
                {filters.map((f) => (
                  <button key={f.id} type="button" role="radio" aria-checked={filter === f.id} className={`mark-chip${filter === f.id ? ' is-on' : ''}`} onClick={() => setFilter(f.id)}>
                    {f.label} <span className="mark-count">{formatCount(f.n)}</span>
                  </button>
                ))}
              </div>
              <div className="arrivals-selection" aria-live="polite">
                {eligible.length > 0 ? (
                  <button type="button" className="button button-small button-ghost" onClick={() => setSelected(chosen.length === eligible.length ? new Set() : new Set(eligible.map((r) => r.sourceId)))}>
                    {chosen.length === eligible.length ? 'Clear the selection' : `Select the ${plural(eligible.length, 'device')} to trigger again`}
                  </button>
                ) : null}
                <button type="button" className="button button-primary" disabled={chosen.length === 0} onClick={() => setConfirming(true)}>
                  <Icon name="trigger" /> Trigger again{chosen.length > 0 ? ` (${formatCount(chosen.length)})` : ''}…
                </button>
              </div>
            </div>
            <ArrivalsList rows={rows} selected={selected} onToggle={(id, on) => {
              const next = new Set(selected);
              if (on) next.add(id);
              else next.delete(id);
              setSelected(next);
            }} />
          </section>
        </>
      ) : null}

      <footer className="plan-footer">
        <button type="button" className="button" onClick={() => go('history')}>
          Back to the run history
        </button>
        <span />
        {isCurrentRun ? (
          <button type="button" className="button" onClick={() => go('progress')}>
            Back to the progress
          </button>
        ) : null}
      </footer>

      {confirming ? (
        <TriggerAgainDialog
          rows={chosen}
          onCancel={() => setConfirming(false)}
          onDone={(queued) => {
            setConfirming(false);
            setSelected(new Set());
            if (queued > 0) toast('good', `${plural(queued, 'second trigger')} queued on the source.`);
          }}
        />
      ) : null}
    </div>
  );
}

function ArrivalTile({ n, label, tone, icon, testId }: { n: number; label: string; tone: 'good' | 'warn' | 'neutral'; icon: 'joined' | 'waiting' | 'skipped'; testId: string }) {
  return (
    <div className={`tile tile-${tone}`} data-testid={testId}>
      <Icon name={icon} />
      <span className="tile-n">{n.toLocaleString('en')}</span>
      <span className="tile-label">{label}</span>
    </div>
  );
}
