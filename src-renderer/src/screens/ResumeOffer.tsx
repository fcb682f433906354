// On start: an unfinished run (the app was closed or crashed mid-run) is offered for resumption.
import { useEffect, useState } from 'react';
import { Callout } from '../components/Callout';
import { call, messageOf } from '../ipc/bridge';
import type { DeviceState, RunInfo } from '../ipc/types';
import { SETTLED } from '../lib/device-states';
import { formatCount, formatDateTime } from '../lib/format';
import { useNavigation } from '../stores/navigation';
import { useRun } from '../stores/run';

export function ResumeOffer() {
  const [runs, setRuns] = useState<RunInfo[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const go = useNavigation((s) => s.go);
  useEffect(() => {
    call('run:list-unfinished', {})
      .then(({ runs: found }) => setRuns(found.filter((r) => !r.finished)))
      .catch(() => setRuns([]));
  }, []);
  const run = runs[0];
  if (!run) return null;
  const done = Object.entries(run.counts)
    .filter(([state]) => SETTLED.has(state as DeviceState))
    .reduce((n, [, c]) => n + c, 0);
  return (
    <div className="resume-offer">
      <Callout
        tone="warning"
        role="alert"
        title={`An unfinished migration from ${run.sourceLabel} to ${run.targetLabel} (${formatCount(done)} of ${formatCount(run.total)} devices done, started ${formatDateTime(run.createdAt)}).`}
        actions={
          <>
            <button type="button" className="button button-small" onClick={() => setRuns(runs.slice(1))}>
              Not now
            </button>
            <button
              type="button"
              className="button button-primary button-small"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setError(undefined);
                try {
                  const { run: resumed } = await call('run:resume-unfinished', { runId: run.runId });
                  useRun.getState().begin(resumed, []);
                  setRuns(runs.slice(1));
                  go('progress');
                } catch (err) {
                  setError(messageOf(err));
                } finally {
                  setBusy(false);
                }
              }}
            >
              Resume migration
            </button>
          </>
        }
      >
        It stopped before every device was done. Resuming finishes each device exactly once: devices already moved are not moved again.
        {error ? <div className="text-bad">{error}</div> : null}
      </Callout>
    </div>
  );
}
