// Live progress of a run: overall bar, counts per state, throughput, ETA, per-device rows,
// and the controls (pause, resume, cancel, retry failed).
import { useEffect, useMemo, useRef, useState } from 'react';
import { Callout } from '../../components/Callout';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { call, messageOf } from '../../ipc/bridge';
import type { DeviceState } from '../../ipc/types';
import { DEVICE_STATES, SETTLED, STATE_ORDER } from '../../lib/device-states';
import { formatCount, formatDuration, formatRate, plural } from '../../lib/format';
import { useNavigation } from '../../stores/navigation';
import { controlRun, countStates, useRun } from '../../stores/run';
import { useWorkspace } from '../../stores/workspace';
import { ProgressApplication } from './ProgressApplication';
import { ProgressRows } from './ProgressRows';
import { RunDone } from './RunDone';
import { ThroughputChart } from './ThroughputChart';

const RUN_STATE_WORDS = {
  planning: 'Preparing',
  running: 'Running',
  paused: 'Paused',
  cancelling: 'Cancelling…',
  finished: 'Finished',
  cancelled: 'Cancelled',
} as const;

export function ProgressScreen() {
  const run = useRun((s) => s.run);
  const runState = useRun((s) => s.runState);
  const devices = useRun((s) => s.devices);
  const version = useRun((s) => s.version);
  const totals = useRun((s) => s.totals);
  const samples = useRun((s) => s.samples);
  const notices = useRun((s) => s.notices);
  const startedAt = useRun((s) => s.startedAt);
  const finishedAt = useRun((s) => s.finishedAt);
  const go = useNavigation((s) => s.go);
  const toast = useNavigation((s) => s.toast);
  const [filter, setFilter] = useState<DeviceState | 'all'>('all');
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [busy, setBusy] = useState(false);
  const [retired, setRetired] = useState<ReadonlySet<string>>(new Set());

  // The rows are exact for what they show; a resumed run only has rows for the devices it
  // touches again, so there the run's own totals (which include the earlier ones) count.
  const counts = useMemo(() => {
    void version;
    const fromRows = countStates(devices);
    if (!totals || totals.total <= devices.size) return fromRows;
    return totals.counts as Partial<Record<DeviceState, number>>;
  }, [devices, version, totals]);
  const awaiting = useMemo(() => {
    void version;
    return [...devices].filter(([id, d]) => d.state === 'awaiting-reprogram' && !retired.has(id)).map(([id]) => id);
  }, [devices, version, retired]);

  const over = runState === 'finished' || runState === 'cancelled';
  // Refresh both lists once when the run is over, so the target shows what landed there.
  const refreshed = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (over && run && refreshed.current !== run.runId) {
      refreshed.current = run.runId;
      const ws = useWorkspace.getState();
      void ws.reload('target');
      void ws.reload('source');
    }
  }, [over, run]);

  if (!run) {
    return (
      <div className="screen progress-screen">
        <div className="pane-empty">
          <Icon name="list" />
          <div className="pane-empty-title">No migration running</div>
          <button type="button" className="button" onClick={() => go('workspace')}>
            Open workspace
          </button>
        </div>
      </div>
    );
  }

  const total = Math.max(totals?.total ?? 0, run.total, devices.size);
  let settled = 0;
  for (const [state, n] of Object.entries(counts)) if (SETTLED.has(state as DeviceState)) settled += n ?? 0;
  const done = Math.max(settled, totals?.done ?? 0);
  const pct = total > 0 ? (done / total) * 100 : 0;
  const failed = (counts.failed ?? 0) + (counts['rolled-back'] ?? 0);
  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await what();
    } catch (err) {
      toast('bad', messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="screen progress-screen">
      <div className="screen-head">
        <div>
          <h2 className="screen-title">
            {over ? (runState === 'cancelled' ? 'Migration cancelled' : 'Migration finished') : `Migrating ${plural(total, 'device')}`}
          </h2>
          <p className="screen-lead route">
            <span>{run.sourceLabel}</span> <Icon name="arrow-right" /> <span>{run.targetLabel}</span>
          </p>
        </div>
        <span className={`run-state run-state-${runState ?? 'running'}${over && failed > 0 ? ' run-state-problems' : ''}`} data-testid="run-state">
          <Icon name={runState === 'paused' ? 'pause' : over ? (runState === 'cancelled' ? 'cancelled' : failed > 0 ? 'warning' : 'joined') : 'play'} />
          {RUN_STATE_WORDS[runState ?? 'running']}
        </span>
      </div>

      <section className="card progress-overview" aria-label="Overall progress">
        <div className="overview-main">
          <div className="bar-label">
            <span className="bar-done">
              {formatCount(done)} <span className="muted">of {formatCount(total)} devices done</span>
            </span>
            <span className="muted">{Math.floor(pct)}%</span>
          </div>
          <div className="bar" role="progressbar" aria-label="Devices done" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-valuetext={`${done} of ${total} devices done`}>
            <span className="bar-fill" style={{ width: `${pct}%` }} />
            {failed > 0 ? <span className="bar-bad" style={{ width: `${(failed / Math.max(1, total)) * 100}%` }} /> : null}
          </div>
          <dl className="overview-stats">
            {over && startedAt && finishedAt ? (
              <>
                <div>
                  <dt>Average</dt>
                  <dd>{formatRate(settled / Math.max(0.001, (finishedAt - startedAt) / 1000))} devices/s</dd>
                </div>
                <div>
                  <dt>Took</dt>
                  <dd>{formatDuration(Math.max(1, (finishedAt - startedAt) / 1000))}</dd>
                </div>
              </>
            ) : (
              <>
                <div>
                  <dt>Throughput</dt>
                  <dd>{totals ? `${formatRate(totals.devicesPerSecond)} devices/s` : '—'}</dd>
                </div>
                <div>
                  <dt>Time left</dt>
                  <dd>{runState === 'paused' ? 'paused' : formatDuration(totals?.etaSeconds)}</dd>
                </div>
              </>
            )}
            <div>
              <dt>In parallel</dt>
              <dd>{totals ? totals.concurrency : '—'}</dd>
            </div>
          </dl>
          <div className="controls">
            {runState === 'paused' ? (
              <button type="button" className="button" disabled={busy} onClick={() => void act(() => controlRun('run:resume', run.runId))}>
                <Icon name="play" /> Resume
              </button>
            ) : (
              <button type="button" className="button" disabled={busy || over || runState === 'cancelling'} onClick={() => void act(() => controlRun('run:pause', run.runId))}>
                <Icon name="pause" /> Pause
              </button>
            )}
            <button type="button" className="button button-danger-text" disabled={busy || over || runState === 'cancelling'} onClick={() => setConfirmCancel(true)}>
              <Icon name="stop" /> Cancel
            </button>
            <button
              type="button"
              className="button"
              disabled={busy || failed === 0 || !(over || runState === 'paused')}
              title={failed === 0 ? 'No device failed.' : undefined}
              onClick={() =>
                void act(async () => {
                  const failedIds = [...devices].filter(([, d]) => d.state === 'failed' || d.state === 'rolled-back').map(([id]) => id);
                  const { run: next } = await call('run:retry-failed', { runId: run.runId });
                  if (next.runId === run.runId) {
                    useRun.getState().updateInfo(next);
                    useRun.getState().apply(run.runId, [{ type: 'run', state: 'running', runDir: next.runDir, at: Date.now() }]);
                  } else {
                    useRun.getState().begin(next, failedIds, { application: useRun.getState().carriesApplication });
                  }
                })
              }
            >
              <Icon name="retry" /> Retry {failed > 0 ? plural(failed, 'failed device') : 'failed'}
            </button>
          </div>
        </div>
        <ThroughputChart samples={samples} />
      </section>

      <LiveSummary done={done} total={total} failed={failed} over={over} />

      {notices.filter((n) => n.level !== 'info').slice(-3).map((n) => (
        <Callout key={n.at + n.message} tone={n.level === 'error' ? 'error' : 'warning'} title={n.message} />
      ))}

      {over ? <RunDone runId={run.runId} counts={counts} awaiting={awaiting} cancelled={runState === 'cancelled'} onRetired={(ids) => setRetired(new Set([...retired, ...ids]))} /> : null}

      <ProgressApplication />

      <section className="card progress-devices" aria-label="Devices">
        <div className="state-counts" role="radiogroup" aria-label="Show devices in state">
          <button type="button" role="radio" aria-checked={filter === 'all'} className={`count-chip${filter === 'all' ? ' is-on' : ''}`} onClick={() => setFilter('all')}>
            All <span className="mark-count">{formatCount(Math.max(devices.size, total))}</span>
          </button>
          {STATE_ORDER.filter((s) => (counts[s] ?? 0) > 0 || filter === s).map((s) => (
            <button
              key={s}
              type="button"
              role="radio"
              aria-checked={filter === s}
              className={`count-chip count-chip-${DEVICE_STATES[s].tone}${filter === s ? ' is-on' : ''}`}
              onClick={() => setFilter(filter === s ? 'all' : s)}
              data-testid={`count-${s}`}
            >
              <Icon name={DEVICE_STATES[s].icon} /> {DEVICE_STATES[s].label} <span className="mark-count">{formatCount(counts[s] ?? 0)}</span>
            </button>
          ))}
        </div>
        {total > devices.size && over ? (
          <p className="muted progress-note">
            {plural(total - devices.size, 'device was', 'devices were')} done before the interruption and {total - devices.size === 1 ? 'is' : 'are'} not listed here; the report has every device.
          </p>
        ) : null}
        <ProgressRows filter={filter} retired={retired} />
      </section>

      <footer className="plan-footer">
        <button type="button" className="button" onClick={() => go('workspace')}>
          Back to workspace
        </button>
        <span />
        {over ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              useWorkspace.getState().clearSelection();
              go('workspace');
            }}
          >
            Migrate more devices
          </button>
        ) : null}
      </footer>

      {confirmCancel ? (
        <Dialog
          title="Cancel the migration?"
          onClose={() => setConfirmCancel(false)}
          actions={
            <>
              <button type="button" className="button" onClick={() => setConfirmCancel(false)}>
                Keep going
              </button>
              <button
                type="button"
                className="button button-danger"
                onClick={() => {
                  setConfirmCancel(false);
                  void act(() => controlRun('run:cancel', run.runId));
                }}
              >
                Cancel migration
              </button>
            </>
          }
        >
          <p>Devices already on the target stay there. Devices not started stay on the source as they are; a device in the middle of its move is finished or rolled back, never left half-done.</p>
        </Dialog>
      ) : null}
    </div>
  );
}

/** What a screen reader hears: a short summary, at most every few seconds. */
function LiveSummary({ done, total, failed, over }: { done: number; total: number; failed: number; over: boolean }) {
  const [text, setText] = useState('');
  const latest = useRef({ done, total, failed, over });
  latest.current = { done, total, failed, over };
  useEffect(() => {
    const say = () => {
      const l = latest.current;
      setText(`${l.over ? 'Finished: ' : ''}${l.done} of ${l.total} devices done${l.failed ? `, ${l.failed} failed` : ''}.`);
    };
    say();
    const t = setInterval(say, 5000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    if (over) setText(`Finished: ${done} of ${total} devices done${failed ? `, ${failed} failed` : ''}.`);
  }, [over, done, total, failed]);
  return (
    <div className="visually-hidden" aria-live="polite" role="status">
      {text}
    </div>
  );
}
