// The top of a pane: which connection and application it shows, and how many devices.
import { useEffect, useState } from 'react';
import { Icon } from '../../components/Icon';
import type { Side } from '../../ipc/types';
import { formatCount } from '../../lib/format';
import { presetIcon } from '../../lib/presets';
import { useConnections } from '../../stores/connections';
import { useNavigation } from '../../stores/navigation';
import { useWorkspace } from '../../stores/workspace';

const APP_ID = /^[a-z0-9](?:-?[a-z0-9]){2,}$/;
const OTHER = '__other';

export function SideHeader({ side, shown }: { side: Side; shown?: number }) {
  const connections = useConnections((s) => s.connections);
  const state = useWorkspace((s) => s[side]);
  const { loadApplications, reload } = useWorkspace.getState();
  const ref = state.ref;
  const connection = connections.find((c) => c.id === ref?.connectionId);
  const title = side === 'source' ? 'Source' : 'Target';

  useEffect(() => {
    if (ref?.connectionId && state.appsState === 'idle') void loadApplications(side);
  }, [ref?.connectionId, state.appsState, side, loadApplications]);

  const missing = connection ? (side === 'source' ? connection.missingForSource : connection.missingForTarget) : [];
  const apps = state.applications.some((a) => a.id === ref?.applicationId) || !ref?.applicationId
    ? state.applications
    : [{ id: ref.applicationId }, ...state.applications];

  return (
    <header className="side-head">
      <div className="side-head-row">
        <h2 id={`${side}-pane-title`} className="side-title">
          {title}
        </h2>
        <ConnectionPicker side={side} />
        <span className="side-sep" aria-hidden="true">
          /
        </span>
        <ApplicationPicker side={side} apps={apps} disabled={!ref} />
        <div className="side-head-end">
          <DeviceCount side={side} shown={shown} />
          <button
            type="button"
            className="button button-ghost button-icon"
            onClick={() => void reload(side)}
            disabled={!ref?.applicationId}
            aria-label={`Reload the ${side} devices`}
            title="Reload"
          >
            <Icon name="refresh" />
          </button>
        </div>
      </div>
      {missing.length > 0 ? (
        <div className="side-warning" role="note">
          <Icon name="warning" /> This key cannot be used as a {side}: {missing.join('; ')}.
        </div>
      ) : null}
    </header>
  );
}

/** Which connection a side shows (the workspace's: devices and gateways share it). */
export function ConnectionPicker({ side }: { side: Side }) {
  const connections = useConnections((s) => s.connections);
  const ref = useWorkspace((s) => s[side].ref);
  const setRef = useWorkspace((s) => s.setRef);
  const go = useNavigation((s) => s.go);
  const connection = connections.find((c) => c.id === ref?.connectionId);
  const title = side === 'source' ? 'Source' : 'Target';
  return (
    <label className="picker">
      <span className="visually-hidden">{title} connection</span>
      {connection ? <Icon name={presetIcon(connection.preset)} /> : <Icon name="plug" />}
      <select
        className="picker-select"
        value={ref?.connectionId ?? ''}
        onChange={(e) => {
          if (e.target.value === '__manage') return go('connections');
          const c = connections.find((x) => x.id === e.target.value);
          setRef(side, c ? { connectionId: c.id, applicationId: c.applicationId ?? '' } : undefined);
        }}
      >
        {!ref ? <option value="">Choose a connection…</option> : null}
        {connections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
        <option value="__manage">Manage connections…</option>
      </select>
      <Icon name="chevron-down" className="picker-chevron" />
    </label>
  );
}

function ApplicationPicker({ side, apps, disabled }: { side: Side; apps: { id: string; name?: string }[]; disabled: boolean }) {
  const state = useWorkspace((s) => s[side]);
  const setRef = useWorkspace((s) => s.setRef);
  const ref = state.ref;
  const [typed, setTyped] = useState(ref?.applicationId ?? '');
  // An id the list does not have (a new target application, or one the key cannot list): typed.
  const [other, setOther] = useState(false);
  useEffect(() => setTyped(ref?.applicationId ?? ''), [ref?.applicationId]);
  useEffect(() => setOther(false), [ref?.connectionId]);
  const label = `${side === 'source' ? 'Source' : 'Target'} application`;

  if (state.appsState === 'ready' && apps.length > 0 && !other) {
    return (
      <label className="picker">
        <span className="visually-hidden">{label}</span>
        <Icon name="app" />
        <select
          className="picker-select"
          value={ref?.applicationId ?? ''}
          disabled={disabled}
          onChange={(e) => {
            if (e.target.value === OTHER) {
              setTyped('');
              setOther(true);
            } else if (ref) setRef(side, { connectionId: ref.connectionId, applicationId: e.target.value });
          }}
        >
          {!ref?.applicationId ? <option value="">Choose an application…</option> : null}
          {apps.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name && a.name !== a.id ? `${a.id} — ${a.name}` : a.id}
            </option>
          ))}
          <option value={OTHER}>{side === 'target' ? 'Another or a new application…' : 'Another application…'}</option>
        </select>
        <Icon name="chevron-down" className="picker-chevron" />
      </label>
    );
  }
  const apply = () => {
    const id = typed.trim().toLowerCase();
    if (ref && APP_ID.test(id) && id !== ref.applicationId) setRef(side, { connectionId: ref.connectionId, applicationId: id });
    if (other && (APP_ID.test(id) || id === '')) setOther(false);
  };
  return (
    <label className="picker picker-text" title={state.appsState === 'error' ? `Applications could not be listed: ${state.appsError}` : undefined}>
      <span className="visually-hidden">{label} id</span>
      <Icon name="app" />
      <input
        className="picker-input mono"
        value={typed}
        disabled={disabled}
        placeholder={state.appsState === 'loading' ? 'Loading applications…' : 'application id'}
        spellCheck={false}
        onChange={(e) => setTyped(e.target.value)}
        onBlur={apply}
        autoFocus={other}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
          if (e.key === 'Escape' && other) setOther(false);
        }}
      />
    </label>
  );
}

function DeviceCount({ side, shown }: { side: Side; shown?: number }) {
  const { total, received, listState, ref } = useWorkspace((s) => s[side]);
  if (!ref?.applicationId) return null;
  if (listState === 'loading') {
    return (
      <span className="count" role="status">
        <span className="spinner" aria-hidden="true" /> {total > 0 ? `Loading ${formatCount(received)} of ${formatCount(total)}…` : 'Loading devices…'}
      </span>
    );
  }
  if (listState === 'error') return <span className="count count-bad">List failed</span>;
  const text = shown !== undefined && shown !== total ? `${formatCount(shown)} of ${formatCount(total)} devices` : `${formatCount(total)} ${total === 1 ? 'device' : 'devices'}`;
  return (
    <span className="count" data-testid={`${side}-count`}>
      {text}
    </span>
  );
}
