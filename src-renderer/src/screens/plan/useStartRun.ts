// Starting the reviewed plan: run:start (with the person's yes to its downlinks), then the
// progress screen.
import { useState } from 'react';
import { call, messageOf } from '../../ipc/bridge';
import type { PlanView } from '../../ipc/types';
import { useNavigation } from '../../stores/navigation';
import { useRun } from '../../stores/run';
import { useWorkspace } from '../../stores/workspace';

export function useStartRun() {
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string>();
  const start = async (plan: PlanView, confirmTriggers: boolean) => {
    setStarting(true);
    setError(undefined);
    try {
      const { run } = await call('run:start', { planId: plan.planId, ...(confirmTriggers ? { confirmTriggers: true } : {}) });
      useRun.getState().begin(run, plan.devices.filter((d) => d.status === 'ready').map((d) => d.sourceId), { application: plan.options.application !== undefined });
      // Those devices are on their way: the selection is spent.
      useWorkspace.getState().clearSelection();
      useNavigation.getState().go('progress');
      return true;
    } catch (err) {
      setError(messageOf(err));
      return false;
    } finally {
      setStarting(false);
    }
  };
  return { starting, error, start };
}
