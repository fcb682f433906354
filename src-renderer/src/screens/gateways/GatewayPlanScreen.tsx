// The gateway plan under review: the options (owner on the target, kinds the registry cannot
// tell, how long to wait), the Packet Broker warning (always), and per gateway what the run
// does, what happens to the source and what is left to do by hand. Nothing is written before
// "Move N gateways"; owner tokens of claimable gateways go to main only then.
import { useId, useState } from 'react';
import { Callout } from '../../components/Callout';
import { Icon } from '../../components/Icon';
import type { GatewayKind, GatewayPlan, GatewayPlanEntry } from '../../ipc/types';
import { messageOf } from '../../ipc/bridge';
import { formatEui, plural } from '../../lib/format';
import { ACTION_LABELS, GATEWAY_KINDS, KIND_LABELS } from '../../lib/gateways';
import { useConnections } from '../../stores/connections';
import { useGateways } from '../../stores/gateways';
import { useNavigation } from '../../stores/navigation';
import { Choice } from '../plan/Choice';

const OWNER_ID = /^[a-z0-9](?:-?[a-z0-9]){1,}$/;

export function GatewayPlanScreen() {
  const request = useGateways((s) => s.request);
  const plan = useGateways((s) => s.plan);
  const planning = useGateways((s) => s.planning);
  const error = useGateways((s) => s.planError);
  const ownerTokens = useGateways((s) => s.ownerTokens);
  const connections = useConnections((s) => s.connections);
  const go = useNavigation((s) => s.go);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string>();

  if (!request) {
    return (
      <div className="screen plan-screen">
        <div className="pane-empty">
          <Icon name="server" />
          <div className="pane-empty-title">No gateway plan yet</div>
          <div className="muted">Select gateways in the workspace’s Gateways tab and drop them onto the target.</div>
          <button type="button" className="button" onClick={() => go('workspace')}>
            Open workspace
          </button>
        </div>
      </div>
    );
  }
  const name = (id: string) => connections.find((c) => c.id === id)?.name ?? id;
  const missingTokens = plan ? plan.gateways.filter((g) => g.action === 'claim' && g.status === 'ready' && !ownerTokens[g.id]) : [];
  const why = !plan
    ? undefined
    : plan.blockers.length > 0
      ? 'Resolve the problems above first.'
      : missingTokens.length > 0
        ? `Type the owner token of ${missingTokens.map((g) => g.id).join(', ')}.`
        : plan.counts.ready === 0
          ? 'No gateway is ready to move.'
          : undefined;
  const startable = plan && !planning && !why;

  const onStart = async () => {
    setStarting(true);
    setStartError(undefined);
    try {
      await useGateways.getState().start();
      useNavigation.getState().go('gateway-progress');
    } catch (err) {
      setStartError(messageOf(err));
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className="screen plan-screen gateway-plan-screen">
      <div className="screen-head">
        <div>
          <h2 className="screen-title">Review the gateway plan</h2>
          <p className="screen-lead route">
            <span className="route-end">
              <span className="route-label">From</span> {name(request.source)}
            </span>
            <Icon name="arrow-right" />
            <span className="route-end">
              <span className="route-label">to</span> {name(request.target)}
            </span>
          </p>
        </div>
        <span className="dry-run-badge" title="Nothing has been written to either side.">
          <Icon name="shield" /> Dry run — nothing written yet
        </span>
      </div>
      <div className="plan-layout">
        <aside className="card plan-side" aria-label="Gateway options">
          <h3 className="card-title">Options</h3>
          <GatewayOptionsForm plan={plan} />
        </aside>
        <div className="plan-main">
          {plan ? <PacketBrokerWarning text={plan.packetBroker} /> : null}
          {planning ? (
            <div className="planning" role="status">
              <span className="spinner" aria-hidden="true" /> Reading {plural(request.gatewayIds.length, 'gateway')} from the source and checking the target…
            </div>
          ) : null}
          {error ? (
            <Callout
              tone="error"
              role="alert"
              title="The gateway plan could not be made."
              actions={
                <button type="button" className="button button-small" onClick={() => void useGateways.getState().refresh()}>
                  <Icon name="retry" /> Try again
                </button>
              }
            >
              {error}
            </Callout>
          ) : null}
          {plan ? <GatewayPlanSummary plan={plan} /> : null}
          {plan ? (
            <section className="card gateway-plan-list" aria-labelledby="gateway-plan-title">
              <h3 id="gateway-plan-title" className="card-title">
                Gateways
              </h3>
              <ul className="gateway-entries" data-testid="gateway-plan">
                {plan.gateways.map((g) => (
                  <GatewayEntry key={g.id} entry={g} plan={plan} />
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      </div>
      <footer className="plan-footer">
        <button type="button" className="button" onClick={() => go('workspace')}>
          Back to gateways
        </button>
        <div className="plan-footer-text" aria-live="polite">
          {startError ? (
            <span className="text-bad">{startError}</span>
          ) : why ? (
            <span className="text-bad">{why}</span>
          ) : plan ? (
            <span>
              {plural(plan.counts.ready, 'gateway')} will move to {name(request.target)}
              {plan.counts.blocked + plan.counts.alreadyMigrated > 0 ? `; ${plural(plan.counts.blocked + plan.counts.alreadyMigrated, 'gateway')} left out` : ''}.
            </span>
          ) : null}
        </div>
        <button type="button" className="button button-primary button-large" disabled={!startable || starting} onClick={() => void onStart()}>
          {starting ? 'Starting…' : `Move ${plan && plan.counts.ready > 0 ? plural(plan.counts.ready, 'gateway') : 'gateways'}`}
        </button>
      </footer>
    </div>
  );
}

/** Packet Broker routes by DevAddr, not by gateway: always said, never dismissed. */
export function PacketBrokerWarning({ text, compact = false }: { text: string; compact?: boolean }) {
  return (
    <div className={`packet-broker${compact ? ' packet-broker-compact' : ''}`} role="note" aria-label="Packet Broker" data-testid="packet-broker-warning">
      <Icon name="warning" className="packet-broker-icon" />
      <div>
        <div className="packet-broker-title">Packet Broker</div>
        <p className="packet-broker-text">{text}</p>
      </div>
    </div>
  );
}

function GatewayPlanSummary({ plan }: { plan: GatewayPlan }) {
  return (
    <section className="plan-summary" aria-label="Gateway plan summary">
      <div className="summary-tiles">
        <div className="tile tile-good">
          <Icon name="check" />
          <span className="tile-n">{plan.counts.ready}</span>
          <span className="tile-label">ready</span>
        </div>
        <div className={`tile ${plan.counts.blocked ? 'tile-bad' : 'tile-neutral'}`}>
          <Icon name="blocked" />
          <span className="tile-n">{plan.counts.blocked}</span>
          <span className="tile-label">blocked</span>
        </div>
        <div className="tile tile-neutral">
          <Icon name="skipped" />
          <span className="tile-n">{plan.counts.alreadyMigrated}</span>
          <span className="tile-label">already on the target</span>
        </div>
      </div>
      <p className="muted small gateway-plan-facts">
        Owned on the target by {plan.targetOwner.kind} <span className="mono">{plan.targetOwner.id}</span>; the target’s Gateway Server is{' '}
        <span className="mono">{plan.targetServerAddress}</span>.
      </p>
      {plan.blockers.length > 0 ? (
        <Callout tone="error" role="alert" title={plan.blockers.length === 1 ? 'The gateways cannot move:' : `The gateways cannot move (${plan.blockers.length} problems):`}>
          <ul className="issue-list" data-testid="gateway-plan-blockers">
            {plan.blockers.map((b, i) => (
              <li key={i}>{b.message}</li>
            ))}
          </ul>
        </Callout>
      ) : null}
    </section>
  );
}

const STATUS = {
  ready: { label: 'Ready', icon: 'check' as const },
  blocked: { label: 'Blocked', icon: 'blocked' as const },
  'already-migrated': { label: 'Already on the target', icon: 'skipped' as const },
};

function GatewayEntry({ entry, plan }: { entry: GatewayPlanEntry; plan: GatewayPlan }) {
  const ids = useId();
  const chosenKind = plan.options.kinds[entry.id];
  const token = useGateways((s) => s.ownerTokens[entry.id] ?? '');
  const status = STATUS[entry.status];
  const action = ACTION_LABELS[entry.action];
  const claim = entry.kind === 'claimable' || entry.action === 'claim';
  return (
    <li className={`gateway-entry gateway-entry-${entry.status}`} data-gateway-id={entry.id} data-action={entry.action} data-status={entry.status} data-kind={entry.kind}>
      <div className="gateway-entry-head">
        <span className={`plan-status plan-status-${entry.status}`}>
          <Icon name={status.icon} /> {status.label}
        </span>
        <span className="device-id">{entry.id}</span>
        {entry.name ? <span className="muted">{entry.name}</span> : null}
        <span className="mono muted">{formatEui(entry.eui)}</span>
        <span className="muted small">{entry.frequencyPlanIds.join(', ')}</span>
        {entry.servesDevices !== undefined ? <span className="badge">{plural(entry.servesDevices, 'device')} heard lately</span> : null}
      </div>
      <div className="gateway-entry-facts">
        <label className="gateway-kind-field">
          <span className="field-label" id={`${ids}-kind`}>
            Kind
          </span>
          <select
            className="input input-small"
            aria-labelledby={`${ids}-kind`}
            aria-describedby={`${ids}-reason`}
            value={chosenKind ?? ''}
            onChange={(e) => useGateways.getState().setKind(entry.id, (e.target.value || undefined) as GatewayKind | undefined)}
          >
            <option value="">{chosenKind ? 'As the registry says' : `${KIND_LABELS[entry.kind]} (as the registry says)`}</option>
            {GATEWAY_KINDS.filter((k) => k !== 'unknown').map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
          <span className="option-text" id={`${ids}-reason`}>
            {chosenKind ? `You said: ${KIND_LABELS[chosenKind]}.` : entry.kindReason}
          </span>
        </label>
        <div className="gateway-action" data-testid="gateway-action">
          <span className="field-label">Action</span>
          <strong className={`gateway-action-label gateway-action-${entry.action}`} title={action.hint}>
            {action.label}
          </strong>
          <span className="option-text">{action.hint}</span>
        </div>
      </div>
      {claim ? (
        <label className="field gateway-token">
          <span className="field-label">Owner token of {entry.id}</span>
          <input
            className="input mono"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => useGateways.getState().setOwnerToken(entry.id, e.target.value.trim())}
          />
          <span className="field-hint">On the gateway’s label or in its box. It is sent once, when the run starts, and never kept.</span>
        </label>
      ) : null}
      {entry.blockers.length + entry.warnings.length > 0 ? (
        <ul className="issues">
          {entry.blockers.map((b, i) => (
            <li key={`b${i}`} className="issue issue-blocker">
              <Icon name="blocked" /> <span className="visually-hidden">Blocker: </span>
              {b.message}
            </li>
          ))}
          {entry.warnings.map((w, i) => (
            <li key={`w${i}`} className="issue issue-warning">
              <Icon name="warning" /> <span className="visually-hidden">Warning: </span>
              {w.message}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="gateway-entry-body">
        {entry.steps.length > 0 ? (
          <div>
            <h4 className="gateway-subtitle">What Stack Migrator does</h4>
            <ol className="gateway-steps" data-testid="gateway-steps">
              {entry.steps.map((s, i) => (
                <li key={i}>{s}</li>
              ))}
            </ol>
          </div>
        ) : null}
        <div>
          <h4 className="gateway-subtitle">The source afterwards</h4>
          <p className="gateway-source-after" data-testid="gateway-source-after">
            {entry.sourceAfter}
          </p>
          {entry.manual.length > 0 ? (
            <>
              <h4 className="gateway-subtitle">
                <Icon name="edit" /> You do by hand
              </h4>
              <ul className="gateway-manual" data-testid="gateway-manual">
                {entry.manual.map((m, i) => (
                  <li key={i}>{m}</li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      </div>
    </li>
  );
}

function GatewayOptionsForm({ plan }: { plan: GatewayPlan | undefined }) {
  const ids = useId();
  const options = useGateways((s) => s.options);
  const setOptions = useGateways((s) => s.setOptions);
  const owner = options.targetOwner;
  const [ownerKind, setOwnerKind] = useState<'key' | 'user' | 'organization'>(owner?.kind ?? 'key');
  const [ownerId, setOwnerId] = useState(owner?.id ?? '');
  const ownerValid = OWNER_ID.test(ownerId) && ownerId.length <= 36;
  const applyOwner = (kind: 'key' | 'user' | 'organization', id: string) => {
    setOwnerKind(kind);
    setOwnerId(id);
    if (kind === 'key') {
      if (owner) setOptions({ targetOwner: undefined });
      return;
    }
    if (OWNER_ID.test(id) && id.length <= 36 && (owner?.kind !== kind || owner.id !== id)) setOptions({ targetOwner: { kind, id } }, 400);
  };
  const waitMinutes = Math.round((options.waitSeconds ?? 900) / 60);
  const keyUser = plan && !owner ? plan.targetOwner : undefined;
  return (
    <div className="plan-options">
      <fieldset className="option-group">
        <legend>Owner on the target</legend>
        <Choice
          name={`${ids}-owner`}
          checked={ownerKind === 'key'}
          onChange={() => applyOwner('key', ownerId)}
          title="The user of the target key"
          badge="Default"
          text={keyUser ? `${keyUser.kind} ${keyUser.id}` : undefined}
        />
        <Choice name={`${ids}-owner`} checked={ownerKind === 'user'} onChange={() => applyOwner('user', ownerId)} title="Another user" />
        <Choice name={`${ids}-owner`} checked={ownerKind === 'organization'} onChange={() => applyOwner('organization', ownerId)} title="An organization" />
        {ownerKind !== 'key' ? (
          <label className="field option-field">
            <span className="field-label">{ownerKind === 'user' ? 'User id' : 'Organization id'}</span>
            <input
              className="input mono"
              value={ownerId}
              spellCheck={false}
              aria-invalid={ownerId !== '' && !ownerValid}
              onChange={(e) => applyOwner(ownerKind, e.target.value.toLowerCase())}
            />
            {ownerId !== '' && !ownerValid ? <span className="field-error">Lower-case letters, digits and dashes.</span> : null}
          </label>
        ) : null}
      </fieldset>
      <fieldset className="option-group">
        <legend>Waiting for re-pointed gateways</legend>
        <p className="option-lead">A gateway re-pointed through CUPS reconnects to the target at its next CUPS check. The run reports it as still waiting after:</p>
        <label className="field option-field field-inline">
          <input
            className="input input-number"
            type="number"
            min={0}
            max={1440}
            value={waitMinutes}
            onChange={(e) => {
              const minutes = Math.max(0, Math.min(1440, Math.round(Number(e.target.value) || 0)));
              setOptions({ waitSeconds: minutes * 60 }, 500);
            }}
          />
          <span>minutes</span>
        </label>
      </fieldset>
      <fieldset className="option-group">
        <legend>Kinds</legend>
        <p className="option-lead">
          The kind decides what the run can do. Where the registry cannot tell (or you know better), choose it at the gateway.
          {plan && plan.gateways.some((g) => g.kind === 'unknown') ? ` ${plural(plan.gateways.filter((g) => g.kind === 'unknown').length, 'gateway')} of unknown kind.` : ''}
        </p>
      </fieldset>
    </div>
  );
}
