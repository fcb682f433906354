// The workspace's Gateways tab: the source's gateways (selectable like devices) beside the
// target's, for the workspace's two connections; a drop on the target, or the button, plans them.
import { useCallback, useEffect, useMemo, type ReactNode } from 'react';
import { Callout } from '../../components/Callout';
import { DragGhost } from '../../components/DragGhost';
import { Icon } from '../../components/Icon';
import type { Side } from '../../ipc/types';
import { setDropZone } from '../../lib/drop-zone';
import { formatCount, plural } from '../../lib/format';
import { matchesGateway } from '../../lib/gateways';
import { gatewayPlanBlockedReason, planGatewaySelection } from '../../lib/plan-gateways';
import { useConnections } from '../../stores/connections';
import { useGateways } from '../../stores/gateways';
import { useNavigation } from '../../stores/navigation';
import { useWorkspace } from '../../stores/workspace';
import { ConnectionPicker } from '../workspace/SideHeader';
import { Empty } from '../workspace/SourcePane';
import { GatewaySourceList, GatewayTargetList } from './GatewayLists';

/** The two sides follow the workspace's connections. */
function useGatewaySides() {
  const sourceId = useWorkspace((s) => s.source.ref?.connectionId);
  const targetId = useWorkspace((s) => s.target.ref?.connectionId);
  useEffect(() => useGateways.getState().show('source', sourceId), [sourceId]);
  useEffect(() => useGateways.getState().show('target', targetId), [targetId]);
}

export function GatewaysPanel() {
  useGatewaySides();
  const drag = useGateways((s) => s.drag);
  return (
    <div className="workspace-panel" role="tabpanel" id="workspace-panel-gateways" aria-labelledby="workspace-tab-gateways">
      <div className="workspace">
        <GatewaySourcePane />
        <GatewayTargetPane />
      </div>
      <GatewaySelectionBar />
      <DragGhost drag={drag} noun="gateway" />
    </div>
  );
}

function GatewaySideHeader({ side, shown }: { side: Side; shown?: number }) {
  const state = useGateways((s) => s[side]);
  const title = side === 'source' ? 'Source' : 'Target';
  return (
    <header className="side-head">
      <div className="side-head-row">
        <h2 id={`${side}-gateways-title`} className="side-title">
          {title}
        </h2>
        <ConnectionPicker side={side} />
        <div className="side-head-end">
          <span className="count" data-testid={`${side}-gateway-count`}>
            {state.state === 'loading' ? (
              <span className="spinner" aria-label="Loading" />
            ) : state.state === 'done' ? (
              shown !== undefined && shown !== state.rows.length ? `${formatCount(shown)} of ${plural(state.rows.length, 'gateway')}` : plural(state.rows.length, 'gateway')
            ) : null}
          </span>
          <button
            type="button"
            className="button button-ghost button-icon"
            onClick={() => void useGateways.getState().reload(side)}
            disabled={!state.connectionId}
            aria-label={`Reload the ${side} gateways`}
            title="Reload"
          >
            <Icon name="refresh" />
          </button>
        </div>
      </div>
    </header>
  );
}

/** What a key needs to see and move gateways, when it sees none. */
function KeyProblem({ side, problem }: { side: Side; problem: string }) {
  return (
    <div className="pane-body-message">
      <Callout tone="warning" title={`This ${side} key sees no gateways.`}>
        <p className="gateway-problem">{problem}</p>
        <p className="callout-hint">
          Gateways belong to users and organizations, not to applications: use an API key of the user (or organization) that owns them,
          with the rights to list gateways and to read and write their settings and keys (<span className="mono">RIGHT_USER_GATEWAYS_LIST</span>{' '}
          or <span className="mono">RIGHT_ORGANIZATION_GATEWAYS_LIST</span>, and <span className="mono">RIGHT_GATEWAY_ALL</span>)
          {side === 'target' ? (
            <>
              {' '}
              — on the target also to create them (<span className="mono">RIGHT_USER_GATEWAYS_CREATE</span> or{' '}
              <span className="mono">RIGHT_ORGANIZATION_GATEWAYS_CREATE</span>)
            </>
          ) : null}
          . Add it as another connection under Connections.
        </p>
      </Callout>
    </div>
  );
}

function SideBody({ side, children }: { side: Side; children: ReactNode }) {
  const state = useGateways((s) => s[side]);
  if (!state.connectionId) {
    return <Empty icon="plug" title={`Choose a ${side} connection`} text={side === 'source' ? 'Pick the deployment your gateways are on now.' : 'Pick the deployment your gateways should move to.'} />;
  }
  if (state.state === 'error') {
    return (
      <div className="pane-body-message">
        <Callout tone="error" role="alert" title={`The ${side} gateways could not be listed.`}>
          {state.error}
        </Callout>
      </div>
    );
  }
  if (state.problem && state.rows.length === 0) return <KeyProblem side={side} problem={state.problem} />;
  if ((state.state === 'loading' || state.state === 'idle') && state.rows.length === 0) {
    return (
      <div className="pane-empty" role="status">
        <span className="spinner" aria-hidden="true" />
        <div className="muted">Loading gateways…</div>
      </div>
    );
  }
  return <>{children}</>;
}

function GatewaySourcePane() {
  const rows = useGateways((s) => s.source.rows);
  const search = useGateways((s) => s.search);
  const problem = useGateways((s) => s.source.problem);
  const view = useMemo(() => rows.filter((r) => matchesGateway(r, search)), [rows, search]);
  return (
    <section className="pane pane-source pane-gateways" aria-labelledby="source-gateways-title" data-testid="source-gateways-pane">
      <GatewaySideHeader side="source" shown={view.length} />
      <div className="filter-bar" role="search" aria-label="Source gateway search">
        <label className="search">
          <Icon name="search" />
          <span className="visually-hidden">Search source gateways by id, EUI or name</span>
          <input
            type="search"
            className="search-input"
            placeholder="Search id, EUI or name"
            value={search}
            spellCheck={false}
            onChange={(e) => useGateways.getState().setSearch(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && search) {
                e.stopPropagation();
                useGateways.getState().setSearch('');
              }
            }}
          />
        </label>
      </div>
      {problem && rows.length > 0 ? <div className="pane-note">{problem}</div> : null}
      <GatewayColumns side="source" />
      <SideBody side="source">
        {rows.length === 0 ? (
          <Empty icon="list" title="No gateways" text="This key sees no gateways on the source." />
        ) : view.length === 0 ? (
          <Empty icon="search" title="No gateways match" text="Change the search to see more gateways." />
        ) : (
          <GatewaySourceList view={view} />
        )}
      </SideBody>
    </section>
  );
}

function GatewayTargetPane() {
  const drag = useGateways((s) => s.drag);
  const rows = useGateways((s) => s.target.rows);
  return (
    <section
      ref={useGatewayDropZone()}
      className={`pane pane-target pane-gateways${drag.active ? ' is-drop-armed' : ''}${drag.overTarget ? ' is-drop-over' : ''}`}
      aria-labelledby="target-gateways-title"
      data-testid="target-gateways-pane"
    >
      <GatewaySideHeader side="target" shown={rows.length} />
      <GatewayColumns side="target" />
      <SideBody side="target">
        <GatewayTargetList />
      </SideBody>
      {drag.active ? (
        <div className="drop-overlay">
          <div className="drop-card" role="status">
            <Icon name="arrow-right" />
            <span>{drag.overTarget ? `Drop here to plan ${plural(drag.count, 'gateway')}` : `Drag here to plan ${plural(drag.count, 'gateway')}`}</span>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function useGatewayDropZone() {
  return useCallback((el: HTMLElement | null) => setDropZone('gateways', el), []);
}

function GatewayColumns({ side }: { side: Side }) {
  return (
    <div className={`list-head list-cols gateway-cols gateway-cols-${side}`} aria-hidden="true">
      {side === 'source' ? <span className="cell cell-check" /> : <span className="cell">Status</span>}
      <span className="cell">Gateway</span>
      <span className="cell">EUI · frequency plans</span>
      <span className="cell">Kind</span>
      <span className="cell">Server · last update</span>
    </div>
  );
}

function GatewaySelectionBar() {
  const n = useGateways((s) => s.selection.selected.size);
  // Subscribed so the reason is recomputed when a side changes.
  useGateways((s) => s.source.connectionId);
  useGateways((s) => s.target.connectionId);
  const blocked = gatewayPlanBlockedReason();
  return (
    <footer className="selection-bar" aria-label="Gateway selection">
      <div className="selection-info" aria-live="polite">
        {n > 0 ? (
          <>
            <strong data-testid="gateway-selection-count">{plural(n, 'gateway')} selected</strong>
            <button type="button" className="button button-ghost button-small" onClick={() => useGateways.getState().clearSelection()}>
              Clear
            </button>
          </>
        ) : (
          <span className="muted">
            <Icon name="info" /> Drag across source gateways to select them (shift-click and ctrl-click work too), then drag them onto the target.
          </span>
        )}
      </div>
      <GatewayRunMini />
      <button type="button" className="button button-primary" disabled={Boolean(blocked)} title={blocked} onClick={planGatewaySelection}>
        Plan {n > 0 ? plural(n, 'gateway') : 'gateways'}…
      </button>
    </footer>
  );
}

function GatewayRunMini() {
  const run = useGateways((s) => s.run);
  const statuses = useGateways((s) => s.statuses);
  const order = useGateways((s) => s.order);
  const go = useNavigation((s) => s.go);
  const connections = useConnections((s) => s.connections);
  if (!run) {
    return (
      <button
        type="button"
        className="button button-ghost button-small"
        onClick={async () => {
          const found = await useGateways.getState().openLastRun().catch(() => false);
          if (found) go('gateway-progress');
          else useNavigation.getState().toast('info', 'No gateway run was started from this app yet.');
        }}
      >
        Last gateway run…
      </button>
    );
  }
  const waiting = [...statuses.values()].filter((s) => s.state === 'waiting').length;
  const target = connections.find((c) => c.id === run.target)?.name ?? 'the target';
  return (
    <button type="button" className="run-mini" onClick={() => go('gateway-progress')} aria-label={`Gateways moving to ${target}. Show progress.`}>
      <span className="run-mini-label">Gateways</span>
      <span className="run-mini-text">
        {plural(order.length, 'gateway')}
        {waiting > 0 ? ` · ${waiting} waiting` : ''}
      </span>
    </button>
  );
}
