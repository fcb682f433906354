import { useEffect, useRef, type KeyboardEvent } from 'react';
import { DragGhost } from '../../components/DragGhost';
import { useConnections } from '../../stores/connections';
import { useNavigation, type WorkspaceTab } from '../../stores/navigation';
import { useWorkspace } from '../../stores/workspace';
import { GatewaysPanel } from '../gateways/GatewaysPanel';
import { SelectionBar } from './SelectionBar';
import { SourcePane } from './SourcePane';
import { TargetPane } from './TargetPane';

/** Picks a sensible source and target when none is chosen yet. */
function useDefaultSides() {
  const connections = useConnections((s) => s.connections);
  useEffect(() => {
    const ws = useWorkspace.getState();
    if (connections.length === 0) return;
    if (!ws.source.ref) {
      const source = connections.find((c) => c.preset === 'ttn' && c.missingForSource.length === 0) ?? connections.find((c) => c.missingForSource.length === 0) ?? connections[0];
      if (source) ws.setRef('source', { connectionId: source.id, applicationId: source.applicationId ?? '' });
    }
    const sourceId = useWorkspace.getState().source.ref?.connectionId;
    if (!ws.target.ref) {
      const others = connections.filter((c) => c.id !== sourceId);
      const target = others.find((c) => c.preset === 'tts-cloud' && c.missingForTarget.length === 0) ?? others.find((c) => c.missingForTarget.length === 0) ?? others[0];
      if (target) ws.setRef('target', { connectionId: target.id, applicationId: target.applicationId ?? '' });
    }
  }, [connections]);
}

const TABS: { id: WorkspaceTab; label: string }[] = [
  { id: 'devices', label: 'Devices' },
  { id: 'gateways', label: 'Gateways' },
];

export function WorkspaceScreen() {
  useDefaultSides();
  const tab = useNavigation((s) => s.tab);
  return (
    <div className="screen workspace-screen">
      <WorkspaceTabs />
      {tab === 'devices' ? (
        <div className="workspace-panel" role="tabpanel" id="workspace-panel-devices" aria-labelledby="workspace-tab-devices">
          <div className="workspace">
            <SourcePane />
            <TargetPane />
          </div>
          <SelectionBar />
          <DeviceDragGhost />
        </div>
      ) : (
        <GatewaysPanel />
      )}
    </div>
  );
}

function DeviceDragGhost() {
  const drag = useWorkspace((s) => s.drag);
  return <DragGhost drag={drag} noun="device" />;
}

/** Devices or gateways: a tab list (arrow keys, Home and End move between the tabs). */
function WorkspaceTabs() {
  const tab = useNavigation((s) => s.tab);
  const setTab = useNavigation((s) => s.setTab);
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i - 1 + TABS.length) % TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -1;
    const to = TABS[next];
    if (!to) return;
    e.preventDefault();
    setTab(to.id);
    refs.current[to.id]?.focus();
  };
  return (
    <div className="workspace-tabs" role="tablist" aria-label="What to move" onKeyDown={onKeyDown}>
      {TABS.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[t.id] = el;
          }}
          type="button"
          role="tab"
          id={`workspace-tab-${t.id}`}
          aria-selected={tab === t.id}
          aria-controls={`workspace-panel-${t.id}`}
          tabIndex={tab === t.id ? 0 : -1}
          className={`workspace-tab${tab === t.id ? ' is-current' : ''}`}
          onClick={() => setTab(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
