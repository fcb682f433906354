import { useEffect } from 'react';
import { useConnections } from '../../stores/connections';
import { useWorkspace } from '../../stores/workspace';
import { DragGhost } from './DragGhost';
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

export function WorkspaceScreen() {
  useDefaultSides();
  return (
    <div className="screen workspace-screen">
      <div className="workspace">
        <SourcePane />
        <TargetPane />
      </div>
      <SelectionBar />
      <DragGhost />
    </div>
  );
}
