// Plan review: options, the dry run's findings, what will happen — and nothing is written
// before "Start migration".
import { useMemo, useState } from 'react';
import { Callout } from '../../components/Callout';
import { Icon, type IconName } from '../../components/Icon';
import type { PlanView } from '../../ipc/types';
import { plural } from '../../lib/format';
import { useConnections } from '../../stores/connections';
import { useNavigation } from '../../stores/navigation';
import { pendingChoiceProblem, usePlan } from '../../stores/plan';
import { useTriggers } from '../../stores/triggers';
import { ConfirmTriggersDialog } from './ConfirmTriggersDialog';
import { PlanApplication } from './PlanApplication';
import { PlanDevices } from './PlanDevices';
import { PlanGateways } from './PlanGateways';
import { PlanOptions } from './PlanOptions';
import { PlanSteps } from './PlanSteps';
import { useStartRun } from './useStartRun';

export function PlanScreen() {
  const { request, plan, planning, error, options, triggerDraft } = usePlan();
  const connections = useConnections((s) => s.connections);
  const go = useNavigation((s) => s.go);
  // Subscribed: whether the library is in decides if the trigger choice is complete.
  useTriggers((s) => s.loaded);
  useTriggers((s) => s.loadError);
  const { starting, error: startError, start } = useStartRun();
  const [confirming, setConfirming] = useState(false);

  if (!request) {
    return (
      <div className="screen plan-screen">
        <div className="pane-empty">
          <Icon name="list" />
          <div className="pane-empty-title">No plan yet</div>
          <div className="muted">Select devices in the workspace and drop them onto the target.</div>
          <button type="button" className="button" onClick={() => go('workspace')}>
            Open workspace
          </button>
        </div>
      </div>
    );
  }
  const name = (id: string) => connections.find((c) => c.id === id)?.name ?? id;
  const abpMissing = (plan?.counts.abp ?? 0) > 0 && !options.abpMode;
  const pending = pendingChoiceProblem({ triggerDraft });
  const startable = plan && !planning && !pending && plan.blockers.length === 0 && plan.counts.ready > 0;
  const withTriggers = plan?.options.trigger !== undefined;
  const why = !plan
    ? undefined
    : pending
      ? pending
      : abpMissing
      ? 'Choose how the ABP devices move.'
      : plan.blockers.length > 0
        ? 'Resolve the problems above first.'
        : plan.counts.ready === 0
          ? 'No device is ready to migrate.'
          : undefined;

  const onStart = () => {
    if (!plan) return;
    // A plan that sends downlinks starts only once the person has seen and confirmed them.
    if (withTriggers) setConfirming(true);
    else void start(plan, false);
  };

  return (
    <div className="screen plan-screen">
      <div className="screen-head">
        <div>
          <h2 className="screen-title">Review the plan</h2>
          <p className="screen-lead route">
            <span className="route-end">
              <span className="route-label">From</span> {name(request.source.connectionId)} · <span className="mono">{request.source.applicationId}</span>
            </span>
            <Icon name="arrow-right" />
            <span className="route-end">
              <span className="route-label">to</span> {name(request.target.connectionId)} · <span className="mono">{request.target.applicationId}</span>
            </span>
          </p>
        </div>
        <span className="dry-run-badge" title="Nothing has been written to either side.">
          <Icon name="shield" /> Dry run — nothing written yet
        </span>
      </div>
      <div className="plan-layout">
        <aside className="card plan-side" aria-label="Options">
          <h3 className="card-title">Options</h3>
          <PlanOptions plan={plan} />
        </aside>
        <div className="plan-main">
          {planning ? (
            <div className="planning" role="status">
              <span className="spinner" aria-hidden="true" /> Reading {plural(request.deviceIds.length, 'device')} from the source and checking the target…
            </div>
          ) : null}
          {error ? (
            <Callout
              tone="error"
              role="alert"
              title="The plan could not be made."
              actions={
                <button type="button" className="button button-small" onClick={() => void usePlan.getState().refresh()}>
                  <Icon name="retry" /> Try again
                </button>
              }
            >
              {error}
            </Callout>
          ) : null}
          {plan ? <PlanSummary plan={plan} /> : null}
          {plan?.application ? <PlanApplication plan={plan} application={plan.application} /> : null}
          {plan ? <PlanGateways plan={plan} /> : null}
          {plan ? <PlanDevices plan={plan} /> : null}
          <PlanSteps options={options} plan={plan} />
        </div>
      </div>
      <footer className="plan-footer">
        <button type="button" className="button" onClick={() => go('workspace')}>
          Back to workspace
        </button>
        <div className="plan-footer-text" aria-live="polite">
          {startError ? <span className="text-bad">{startError}</span> : why ? <span className="text-bad">{why}</span> : plan ? <FooterSummary plan={plan} /> : null}
        </div>
        <button type="button" className="button button-primary button-large" disabled={!startable || starting} onClick={onStart}>
          {starting ? 'Starting…' : `Start migration${plan && plan.counts.ready > 0 ? ` of ${plural(plan.counts.ready, 'device')}` : ''}${withTriggers ? '…' : ''}`}
        </button>
      </footer>
      {confirming && plan ? (
        <ConfirmTriggersDialog
          plan={plan}
          starting={starting}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            void start(plan, true).then(() => setConfirming(false));
          }}
        />
      ) : null}
    </div>
  );
}

function FooterSummary({ plan }: { plan: PlanView }) {
  const left = plan.counts.blocked + plan.counts.alreadyMigrated;
  const appWrites = plan.application?.items.filter((i) => i.action === 'write').length;
  return (
    <span>
      {appWrites !== undefined ? `The application first (${plural(appWrites, 'setting')} written), then ` : ''}
      {plural(plan.counts.ready, 'device')} will be migrated{plan.options.trigger && plan.counts.triggerKnown ? `, ${plural(plan.counts.triggerKnown, 're-join downlink')} sent` : ''}{left > 0 ? `; ${plural(left, 'device')} left out (${[plan.counts.blocked ? `${plan.counts.blocked} blocked` : '', plan.counts.alreadyMigrated ? `${plan.counts.alreadyMigrated} already migrated` : ''].filter(Boolean).join(', ')})` : ''}.
    </span>
  );
}

/** Counts, plan-wide blockers, and warnings grouped by what they say. */
function PlanSummary({ plan }: { plan: PlanView }) {
  const grouped = useMemo(() => {
    const byMessage = new Map<string, { message: string; blocker: boolean; devices: number }>();
    for (const d of plan.devices) {
      for (const [list, blocker] of [[d.blockers, true], [d.warnings, false]] as const) {
        for (const issue of list) {
          const key = `${blocker ? 'b' : 'w'}:${issue.code}:${issue.message}`;
          const g = byMessage.get(key) ?? { message: issue.message, blocker, devices: 0 };
          g.devices += 1;
          byMessage.set(key, g);
        }
      }
    }
    return [...byMessage.values()].sort((a, b) => Number(b.blocker) - Number(a.blocker) || b.devices - a.devices);
  }, [plan]);
  return (
    <section className="plan-summary" aria-label="Plan summary">
      <div className="summary-tiles">
        <Tile n={plan.counts.ready} label="ready" tone="good" icon="check" />
        <Tile n={plan.counts.blocked} label="blocked" tone={plan.counts.blocked ? 'bad' : 'neutral'} icon="blocked" />
        <Tile n={plan.counts.alreadyMigrated} label="already migrated" tone="neutral" icon="skipped" />
        <Tile n={plan.counts.otaa} label="OTAA" tone="neutral" icon="key" />
        <Tile n={plan.counts.abp} label="ABP" tone="neutral" icon="reprogram" />
        {plan.options.trigger ? (
          <>
            <Tile n={plan.counts.triggerKnown ?? 0} label="get a trigger" tone="neutral" icon="trigger" testId="tile-trigger-known" />
            <Tile n={plan.counts.triggerUnknown ?? 0} label="need a power cycle" tone={plan.counts.triggerUnknown ? 'warn' : 'neutral'} icon="warning" testId="tile-trigger-unknown" />
          </>
        ) : null}
      </div>
      {plan.blockers.length > 0 ? (
        <Callout tone="error" role="alert" title={plan.blockers.length === 1 ? 'The migration cannot start:' : `The migration cannot start (${plan.blockers.length} problems):`}>
          <ul className="issue-list" data-testid="plan-blockers">
            {plan.blockers.map((b, i) => (
              <li key={i}>{b.message}</li>
            ))}
          </ul>
        </Callout>
      ) : null}
      {plan.warnings.length > 0 ? (
        <Callout tone="warning" title="Good to know">
          <ul className="issue-list">
            {plan.warnings.map((w, i) => (
              <li key={i}>{w.message}</li>
            ))}
          </ul>
        </Callout>
      ) : null}
      {grouped.length > 0 ? (
        <div className="grouped-issues">
          {grouped.map((g) => (
            <div key={`${g.blocker}-${g.message}`} className={`grouped-issue ${g.blocker ? 'issue-blocker' : 'issue-warning'}`}>
              <Icon name={g.blocker ? 'blocked' : 'warning'} />
              <span className="grouped-count">{plural(g.devices, 'device')}</span>
              <span>{g.message}</span>
            </div>
          ))}
        </div>
      ) : null}
    </section>
  );
}

function Tile({ n, label, tone, icon, testId }: { n: number; label: string; tone: 'good' | 'bad' | 'warn' | 'neutral'; icon: IconName; testId?: string }) {
  return (
    <div className={`tile tile-${tone}`} data-testid={testId}>
      <Icon name={icon} />
      <span className="tile-n">{n.toLocaleString('en')}</span>
      <span className="tile-label">{label}</span>
    </div>
  );
}
