import { Callout } from '../../components/Callout';
import { Icon } from '../../components/Icon';
import { useConnections } from '../../stores/connections';
import { useNavigation } from '../../stores/navigation';
import { ConnectionCard } from './ConnectionCard';
import { ConnectionForm } from './ConnectionForm';
import { DemoCard } from './DemoCard';

export function ConnectionsScreen() {
  const connections = useConnections((s) => s.connections);
  const app = useConnections((s) => s.app);
  const loadError = useConnections((s) => s.loadError);
  const go = useNavigation((s) => s.go);
  const toast = useNavigation((s) => s.toast);
  const empty = connections.length === 0;
  return (
    <div className="screen connections-screen">
      <div className="screen-head">
        <div>
          <h2 className="screen-title">{empty ? 'Connect your deployments' : 'Connections'}</h2>
          <p className="screen-lead">
            A <strong>source</strong> where your devices are now — usually The Things Network — and a <strong>target</strong> where they go, usually
            The Things Stack Cloud. API keys are kept in your system keychain, never in a file and never on screen.
          </p>
        </div>
        {connections.length > 0 ? (
          <button type="button" className="button button-primary" onClick={() => go('workspace')}>
            Open workspace <Icon name="arrow-right" />
          </button>
        ) : null}
      </div>
      {loadError ? <Callout tone="error" role="alert" title="Could not read the saved connections." >{loadError}</Callout> : null}
      {app && !app.keychain.available ? (
        <Callout tone="warning" role="alert" title="No system keychain is available, so no API key can be saved.">
          {app.keychain.message ?? 'Install and unlock a Secret Service (for example GNOME Keyring), then restart Stack Migrator.'}
        </Callout>
      ) : null}
      <div className="connections-layout">
        <div className="connections-list">
          {empty ? <DemoCard prominent /> : connections.map((c) => <ConnectionCard key={c.id} connection={c} />)}
          {empty ? <HowItWorks /> : null}
          {!empty && !connections.some((c) => c.preset === 'demo') ? <DemoCard prominent={false} /> : null}
        </div>
        <ConnectionForm onAdded={(c) => toast('good', `Saved “${c.name}”. Its key is in the system keychain.`)} />
      </div>
    </div>
  );
}

function HowItWorks() {
  return (
    <section className="card how-it-works" aria-labelledby="how-title">
      <h2 id="how-title" className="card-title">
        How it works
      </h2>
      <ol className="how-steps">
        <li>
          <strong>Connect both deployments.</strong> Each API key goes straight to the system keychain.
        </li>
        <li>
          <strong>Pick devices</strong> in the source list — drag across them, shift-click, ctrl-click — and drop them on the target.
        </li>
        <li>
          <strong>Review the plan.</strong> It is a dry run: every warning is listed, nothing is written yet.
        </li>
        <li>
          <strong>Migrate.</strong> Each device is quieted on the source, created and verified on the target, then retired on the source. It
          joins the target at its next join.
        </li>
      </ol>
    </section>
  );
}
