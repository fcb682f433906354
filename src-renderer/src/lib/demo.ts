// "Try with simulated stacks": main starts two simulators and hands back two connections.
import { call } from '../ipc/bridge';
import { useConnections } from '../stores/connections';
import { useNavigation } from '../stores/navigation';
import { useWorkspace } from '../stores/workspace';

export async function startDemo(devices: number): Promise<void> {
  const demo = await call('demo:start', { devices });
  useConnections.getState().upsert(demo.source, demo.target);
  const workspace = useWorkspace.getState();
  workspace.setRef('source', { connectionId: demo.source.id, applicationId: demo.sourceApplicationId });
  workspace.setRef('target', { connectionId: demo.target.id, applicationId: demo.targetApplicationId });
  useNavigation.getState().go('workspace');
}
