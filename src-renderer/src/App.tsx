// The window: a title bar with the steps, the current screen, notices.
import { useEffect } from 'react';
import { Callout } from './components/Callout';
import { Icon, Logo } from './components/Icon';
import { hasBridge, subscribe } from './ipc/bridge';
import { useConnections } from './stores/connections';
import { listenToGatewayProgress, useGateways } from './stores/gateways';
import { stepOf, useNavigation, type Screen, type StepScreen } from './stores/navigation';
import { usePlan } from './stores/plan';
import { listenToRunProgress, useRun } from './stores/run';
import { useWorkspace } from './stores/workspace';
import { ConnectionsScreen } from './screens/connections/ConnectionsScreen';
import { PlanScreen } from './screens/plan/PlanScreen';
import { ArrivalsScreen } from './screens/arrivals/ArrivalsScreen';
import { GatewayPlanScreen } from './screens/gateways/GatewayPlanScreen';
import { GatewayProgressScreen } from './screens/gateways/GatewayProgressScreen';
import { RunHistoryScreen } from './screens/history/RunHistoryScreen';
import { ProgressScreen } from './screens/progress/ProgressScreen';
import { ResumeOffer } from './screens/ResumeOffer';
import { WorkspaceScreen } from './screens/workspace/WorkspaceScreen';

const STEPS: { id: StepScreen; label: string }[] = [
  { id: 'connections', label: 'Connections' },
  { id: 'workspace', label: 'Workspace' },
  { id: 'plan', label: 'Plan' },
  { id: 'progress', label: 'Progress' },
];

function useBootstrap() {
  useEffect(() => {
    if (!hasBridge()) return;
    const offPages = subscribe('devices:page', (page) => useWorkspace.getState().receivePage(page));
    const offRun = listenToRunProgress();
    const offGateways = listenToGatewayProgress();
    void useConnections
      .getState()
      .load()
      .then(() => {
        const nav = useNavigation.getState();
        if (useConnections.getState().connections.length > 0 && nav.screen === 'connections') nav.go('workspace');
      });
    return () => {
      offPages();
      offRun();
      offGateways();
    };
  }, []);
}

export function App() {
  useBootstrap();
  const screen = useNavigation((s) => s.screen);
  const go = useNavigation((s) => s.go);
  const tab = useNavigation((s) => s.tab);
  const loaded = useConnections((s) => s.loaded);
  const hasPlan = usePlan((s) => s.request !== undefined);
  const hasRun = useRun((s) => s.run !== undefined);
  const hasGatewayPlan = useGateways((s) => s.request !== undefined);
  const hasGatewayRun = useGateways((s) => s.run !== undefined);
  const hasConnections = useConnections((s) => s.connections.length > 0);
  // With the Gateways tab open, Plan and Progress are those of the gateways.
  const gateways = tab === 'gateways';
  const available: Record<StepScreen, boolean> = {
    connections: true,
    workspace: hasConnections,
    plan: gateways ? hasGatewayPlan : hasPlan,
    progress: gateways ? hasGatewayRun : hasRun,
  };
  const onGo = (s: Screen) => go(gateways && s === 'plan' ? 'gateway-plan' : gateways && s === 'progress' ? 'gateway-progress' : s);

  if (!hasBridge()) {
    return (
      <div className="app">
        <TitleBar screen={screen} available={{ connections: false, workspace: false, plan: false, progress: false }} onGo={() => {}} disabled />
        <main className="screen">
          <Callout tone="error" role="alert" title="Stack Migrator cannot reach its main process.">
            This page is the inside of the Stack Migrator app; opened in a browser it cannot do anything. Start the Stack Migrator app instead.
          </Callout>
        </main>
      </div>
    );
  }

  return (
    <div className="app">
      <TitleBar screen={screen} available={available} onGo={onGo} />
      <ResumeOffer />
      <main className="app-main" aria-busy={!loaded}>
        {!loaded ? (
          <div className="pane-empty">
            <span className="spinner" aria-hidden="true" /> Loading…
          </div>
        ) : screen === 'connections' ? (
          <ConnectionsScreen />
        ) : screen === 'workspace' ? (
          <WorkspaceScreen />
        ) : screen === 'plan' ? (
          <PlanScreen />
        ) : screen === 'history' ? (
          <RunHistoryScreen />
        ) : screen === 'arrivals' ? (
          <ArrivalsScreen />
        ) : screen === 'gateway-plan' ? (
          <GatewayPlanScreen />
        ) : screen === 'gateway-progress' ? (
          <GatewayProgressScreen />
        ) : (
          <ProgressScreen />
        )}
      </main>
      <Toasts />
    </div>
  );
}

function TitleBar({ screen, available, onGo, disabled = false }: { screen: Screen; available: Record<StepScreen, boolean>; onGo(s: Screen): void; disabled?: boolean }) {
  const inHistory = screen === 'history' || screen === 'arrivals';
  const step = stepOf(screen);
  return (
    <header className="titlebar">
      <div className="brand">
        <Logo />
        <h1>Stack Migrator</h1>
      </div>
      <nav className="steps-nav" aria-label="Screens">
        {STEPS.map((s, i) => (
          <button
            key={s.id}
            type="button"
            className={`step${step === s.id ? ' is-current' : ''}`}
            aria-current={step === s.id ? 'page' : undefined}
            disabled={!available[s.id]}
            onClick={() => onGo(s.id)}
          >
            <span className="step-n" aria-hidden="true">
              {i + 1}
            </span>
            {s.label}
          </button>
        ))}
      </nav>
      <div className="titlebar-end">
        <button
          type="button"
          className={`titlebar-button${inHistory ? ' is-current' : ''}`}
          aria-current={screen === 'history' ? 'page' : undefined}
          disabled={disabled}
          onClick={() => onGo('history')}
        >
          <Icon name="clock" /> Run history
        </button>
      </div>
    </header>
  );
}

function Toasts() {
  const toasts = useNavigation((s) => s.toasts);
  const dismiss = useNavigation((s) => s.dismiss);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`}>
          <Icon name={t.tone === 'bad' ? 'failed' : t.tone === 'good' ? 'joined' : 'info'} />
          <span>{t.message}</span>
          <button type="button" className="button button-ghost button-icon" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
}
