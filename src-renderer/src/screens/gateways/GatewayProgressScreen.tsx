// Where each gateway of a run stands: created, re-pointed, waiting for its reconnection (with
// the time since it was re-pointed), connected, its sheet ready, failed, rolled back. Fed by
// gateways:progress events and gateways:status (polled while one waits; "Check now" asks at once).
import { useMemo, useState } from 'react';
import { Callout } from '../../components/Callout';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { messageOf } from '../../ipc/bridge';
import type { GatewayStatus } from '../../ipc/types';
import { formatWhen, plural } from '../../lib/format';
import { ACTION_LABELS, formatElapsed, GATEWAY_STATES, KIND_LABELS, ROLLBACKABLE } from '../../lib/gateways';
import { useNow } from '../../lib/use-now';
import { useConnections } from '../../stores/connections';
import { useGateways } from '../../stores/gateways';
import { useNavigation } from '../../stores/navigation';

export function GatewayProgressScreen() {
  const run = useGateways((s) => s.run);
  const order = useGateways((s) => s.order);
  const statuses = useGateways((s) => s.statuses);
  const finished = useGateways((s) => s.finished);
  const checking = useGateways((s) => s.checking);
  const checkError = useGateways((s) => s.checkError);
  const connections = useConnections((s) => s.connections);
  const go = useNavigation((s) => s.go);
  const toast = useNavigation((s) => s.toast);
  const now = useNow(1000);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [rollbackFailures, setRollbackFailures] = useState<{ id: string; error: string }[]>([]);

  const rows = useMemo(() => order.map((id) => statuses.get(id) ?? ({ id, state: 'pending' } as Pick<GatewayStatus, 'id' | 'state'> & Partial<GatewayStatus>)), [order, statuses]);
  const counts = useMemo(() => {
    const c: Partial<Record<GatewayStatus['state'], number>> = {};
    for (const r of rows) c[r.state] = (c[r.state] ?? 0) + 1;
    return c;
  }, [rows]);

  if (!run) {
    return (
      <div className="screen progress-screen">
        <div className="pane-empty">
          <Icon name="server" />
          <div className="pane-empty-title">No gateways moving</div>
          <button type="button" className="button" onClick={() => go('workspace')}>
            Open workspace
          </button>
        </div>
      </div>
    );
  }
  const name = (id: string) => connections.find((c) => c.id === id)?.name ?? id;
  const hasSheet = rows.some((r) => r.hasSheet);
  const selected = rows.filter((r) => chosen.has(r.id) && ROLLBACKABLE.has(r.state)).map((r) => r.id);
  const waiting = counts.waiting ?? 0;
  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    try {
      await what();
    } catch (err) {
      toast('bad', messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };

  return (
    <div className="screen progress-screen gateway-progress-screen">
      <div className="screen-head">
        <div>
          <h2 className="screen-title">{finished && waiting === 0 ? `${plural(order.length, 'gateway')} moved` : `Moving ${plural(order.length, 'gateway')}`}</h2>
          <p className="screen-lead route">
            <span>{name(run.source)}</span> <Icon name="arrow-right" /> <span>{name(run.target)}</span>
          </p>
        </div>
        <span className={`run-state run-state-${finished && waiting === 0 ? 'finished' : 'running'}`} data-testid="gateway-run-state">
          <Icon name={finished && waiting === 0 ? 'joined' : waiting > 0 ? 'waiting' : 'play'} />
          {finished && waiting === 0 ? 'Finished' : waiting > 0 ? `${waiting} waiting` : 'Running'}
        </span>
      </div>

      <section className="card gateway-controls" aria-label="Gateway run">
        <div className="state-counts" aria-label="Gateways by state">
          {Object.entries(counts).map(([state, n]) => {
            const look = GATEWAY_STATES[state as GatewayStatus['state']];
            return (
              <span key={state} className={`count-chip count-chip-${look.tone}`} data-testid={`gateway-count-${state}`}>
                <Icon name={look.icon} /> {look.label} <span className="mark-count">{n}</span>
              </span>
            );
          })}
        </div>
        <div className="controls">
          <button type="button" className="button" disabled={checking} onClick={() => void useGateways.getState().check()}>
            <Icon name="refresh" /> {checking ? 'Checking…' : 'Check now'}
          </button>
          <button
            type="button"
            className="button"
            disabled={busy || !hasSheet}
            title={hasSheet ? 'What to change on each gateway: server addresses, tc.uri and tc.key (it holds keys: keep it safe).' : 'No gateway has a sheet yet.'}
            onClick={() =>
              void act(async () => {
                const savedTo = await useGateways.getState().saveSheet();
                if (savedTo) toast('good', `Sheet saved to ${savedTo}`);
              })
            }
          >
            <Icon name="save" /> Save sheet…
          </button>
          <button type="button" className="button button-danger-text" disabled={busy || selected.length === 0} onClick={() => setConfirming(true)}>
            <Icon name="rolled-back" /> Roll back{selected.length > 0 ? ` ${plural(selected.length, 'gateway')}` : ''}…
          </button>
        </div>
        {waiting > 0 ? (
          <p className="muted small" role="status">
            Checking the target’s Gateway Server every few seconds while {plural(waiting, 'gateway waits', 'gateways wait')} to reconnect.
          </p>
        ) : null}
      </section>

      {checkError ? <Callout tone="error" role="alert" title="The gateways’ state could not be read.">{checkError}</Callout> : null}
      {rollbackFailures.length > 0 ? (
        <Callout tone="error" role="alert" title="Some gateways could not be rolled back:">
          <ul className="issue-list">
            {rollbackFailures.map((f) => (
              <li key={f.id}>
                <span className="mono">{f.id}</span>: {f.error}
              </li>
            ))}
          </ul>
        </Callout>
      ) : null}

      <section className="card gateway-progress" aria-labelledby="gateway-progress-title">
        <h3 id="gateway-progress-title" className="card-title">
          Gateways
        </h3>
        <ul className="gateway-progress-rows" data-testid="gateway-progress-rows">
          {rows.map((r) => (
            <GatewayProgressRow key={r.id} status={r} now={now} checked={chosen.has(r.id)} onCheck={(on) => toggle(r.id, on)} />
          ))}
        </ul>
      </section>

      <footer className="plan-footer">
        <button type="button" className="button" onClick={() => go('workspace')}>
          Back to workspace
        </button>
        <span />
        <span className="muted small mono" title="The run’s folder">
          {run.runDir}
        </span>
      </footer>

      {confirming ? (
        <Dialog
          title={`Roll back ${plural(selected.length, 'gateway')}?`}
          labelledBy="gateway-rollback-title"
          onClose={() => setConfirming(false)}
          actions={
            <>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Keep them
              </button>
              <button
                type="button"
                className="button button-danger"
                onClick={() => {
                  setConfirming(false);
                  void act(async () => {
                    const result = await useGateways.getState().rollback(selected);
                    setRollbackFailures(result.failed);
                    setChosen(new Set());
                    if (result.restored.length > 0) toast('good', `${plural(result.restored.length, 'gateway')} rolled back.`);
                  });
                }}
              >
                Roll back
              </button>
            </>
          }
        >
          <p>
            For <strong>{selected.join(', ')}</strong>: the source gateway gets back exactly the server address and LNS key it had before the run, so
            a gateway that asks its CUPS again returns to the source. The LNS key the run made on the target is revoked. The gateway stays registered on
            the target; delete it there if you no longer want it.
          </p>
        </Dialog>
      ) : null}
    </div>
  );
}

function GatewayProgressRow({
  status,
  now,
  checked,
  onCheck,
}: {
  status: Pick<GatewayStatus, 'id' | 'state'> & Partial<GatewayStatus>;
  now: number;
  checked: boolean;
  onCheck(on: boolean): void;
}) {
  const look = GATEWAY_STATES[status.state];
  const can = ROLLBACKABLE.has(status.state);
  return (
    <li className={`gateway-progress-row gateway-state-${status.state}`} data-gateway-id={status.id} data-state={status.state}>
      <label className="gateway-progress-check">
        <input type="checkbox" checked={checked && can} disabled={!can} onChange={(e) => onCheck(e.target.checked)} />
        <span className="visually-hidden">Select {status.id}</span>
      </label>
      <span className="gateway-progress-id">
        <span className="device-id">{status.id}</span>
        {status.targetId && status.targetId !== status.id ? (
          <span className="muted">
            <Icon name="arrow-right" /> {status.targetId}
          </span>
        ) : null}
        <span className="muted small">
          {status.kind ? KIND_LABELS[status.kind] : ''}
          {status.action ? ` · ${ACTION_LABELS[status.action].label}` : ''}
        </span>
      </span>
      <span className={`state state-${look.tone}${look.active ? ' state-active' : ''}`} title={look.hint}>
        <Icon name={look.icon} />
        <span className="state-label">{look.label}</span>
      </span>
      <span className="gateway-progress-detail" data-testid="gateway-detail">
        {status.state === 'waiting' ? (
          <>Waiting for the gateway to reconnect{status.since !== undefined ? ` — ${formatElapsed(status.since, now)} since re-pointing` : ''}</>
        ) : status.state === 'connected' ? (
          <>
            Connected to the target{status.protocol ? ` over ${status.protocol}` : ''}
            {status.connectedAt ? ` at ${formatWhen(status.connectedAt, now)}` : ''}
          </>
        ) : status.state === 'sheet' ? (
          'Registered on the target: now set the gateway up as the saved sheet says.'
        ) : status.state === 'failed' ? (
          <span className="text-bad">{status.error ?? 'Failed.'}</span>
        ) : status.state === 'rolled-back' ? (
          'The source gateway is as it was; the target key is revoked.'
        ) : (
          look.hint
        )}
        {status.hasSheet && status.state !== 'sheet' ? <span className="badge">sheet</span> : null}
      </span>
    </li>
  );
}
