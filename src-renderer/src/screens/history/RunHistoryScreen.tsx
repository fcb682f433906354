// Every migration run of the app, newest first; from here the arrivals of any of them open —
// the same check then or days later.
import { useEffect, useState } from 'react';
import { Callout } from '../../components/Callout';
import { Icon } from '../../components/Icon';
import { call, messageOf } from '../../ipc/bridge';
import type { DeviceState, RunInfo } from '../../ipc/types';
import { DEVICE_STATES, STATE_ORDER } from '../../lib/device-states';
import { formatCount, formatDateTime } from '../../lib/format';
import { useArrivals } from '../../stores/arrivals';
import { useNavigation } from '../../stores/navigation';

export function RunHistoryScreen() {
  const go = useNavigation((s) => s.go);
  const [runs, setRuns] = useState<RunInfo[]>();
  const [error, setError] = useState<string>();
  const load = () => {
    setError(undefined);
    call('run:history', {})
      .then(({ runs: found }) => setRuns(found))
      .catch((err: unknown) => setError(messageOf(err)));
  };
  useEffect(load, []);

  return (
    <div className="screen history-screen">
      <div className="screen-head">
        <div>
          <h2 className="screen-title">Run history</h2>
          <p className="screen-lead">
            Every migration run on this computer. Check a run’s arrivals at any time: which devices joined the target, and what to do about the ones
            that did not yet.
          </p>
        </div>
        <button type="button" className="button" onClick={load}>
          <Icon name="refresh" /> Refresh
        </button>
      </div>
      {error ? (
        <Callout tone="error" role="alert" title="The runs could not be read.">
          {error}
        </Callout>
      ) : null}
      {!runs && !error ? (
        <div className="pane-empty" role="status">
          <span className="spinner" aria-hidden="true" /> Reading the runs…
        </div>
      ) : null}
      {runs && runs.length === 0 ? (
        <div className="pane-empty">
          <Icon name="clock" />
          <div className="pane-empty-title">No migration yet</div>
          <div className="muted">Runs appear here once you start a migration.</div>
          <button type="button" className="button" onClick={() => go('workspace')}>
            Open workspace
          </button>
        </div>
      ) : null}
      {runs && runs.length > 0 ? (
        <ul className="history-list" aria-label="Runs">
          {runs.map((run) => (
            <RunItem key={run.runId} run={run} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function RunItem({ run }: { run: RunInfo }) {
  const counts = STATE_ORDER.filter((s) => (run.counts[s] ?? 0) > 0);
  const when = formatDateTime(run.createdAt);
  return (
    <li className="card history-item" data-run-id={run.runId} aria-label={`Run of ${when}`}>
      <div className="history-item-main">
        <div className="history-item-head">
          <strong>{when}</strong>
          <span className={`badge ${run.finished ? 'badge-muted' : 'badge-warn'}`}>{run.finished ? 'Finished' : 'Unfinished'}</span>
        </div>
        <div className="route">
          <span>{run.sourceLabel}</span> <Icon name="arrow-right" /> <span>{run.targetLabel}</span>
          <span className="muted">· {formatCount(run.total)} {run.total === 1 ? 'device' : 'devices'}</span>
        </div>
        <div className="history-counts">
          {counts.map((s: DeviceState) => (
            <span key={s} className={`state state-${DEVICE_STATES[s].tone} history-count`}>
              <Icon name={DEVICE_STATES[s].icon} /> {DEVICE_STATES[s].label} {formatCount(run.counts[s] ?? 0)}
            </span>
          ))}
        </div>
      </div>
      <button
        type="button"
        className="button"
        aria-label={`Check the arrivals of the run of ${when}`}
        onClick={() => {
          useArrivals.getState().open(run);
          useNavigation.getState().go('arrivals');
        }}
      >
        <Icon name="joined" /> Check arrivals
      </button>
    </li>
  );
}
