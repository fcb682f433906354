// The device plan's gateways: the ones serving its ABP devices that keep their session (their
// uplinks reach the target only through gateways connected to it), offered to move in the same
// run; once chosen, what the run does with each, and the Packet Broker warning.
import { Icon } from '../../components/Icon';
import type { PlanView } from '../../ipc/types';
import { plural } from '../../lib/format';
import { ACTION_LABELS, KIND_LABELS } from '../../lib/gateways';
import { usePlan } from '../../stores/plan';
import { PacketBrokerWarning } from '../gateways/GatewayPlanScreen';

export function PlanGateways({ plan }: { plan: PlanView }) {
  const chosen = usePlan((s) => s.options.gateways);
  const setOptions = usePlan((s) => s.setOptions);
  const suggested = plan.suggestedGateways ?? [];
  const ids = chosen?.ids ?? suggested;
  if (suggested.length === 0 && !chosen && !plan.gateways) return null;
  return (
    <section className="card plan-gateways" aria-labelledby="plan-gateways-title" data-testid="plan-gateways">
      <h3 id="plan-gateways-title" className="card-title">
        <Icon name="server" /> Gateways
      </h3>
      <label className="check">
        <input
          type="checkbox"
          checked={Boolean(chosen)}
          disabled={ids.length === 0}
          onChange={(e) => setOptions({ gateways: e.target.checked ? { ids, options: {} } : undefined })}
        />
        <span>
          {suggested.length > 0
            ? `These ${plural(suggested.length, 'gateway')} serve ABP devices that keep their session: move them in the same run`
            : `Move ${plural(ids.length, 'gateway')} in the same run`}
          <span className="option-text">
            <span className="mono">{ids.join(', ')}</span> — moved first; the ABP devices they serve wait until they are connected to the target.
          </span>
        </span>
      </label>
      {plan.gateways ? (
        <>
          <ul className="plan-gateway-list" aria-label="Gateways in this run">
            {plan.gateways.gateways.map((g) => (
              <li key={g.id} data-gateway-id={g.id} data-action={g.action} data-status={g.status}>
                <span className="device-id">{g.id}</span>
                <span className="muted small">{KIND_LABELS[g.kind]}</span>
                <span className={`gateway-action-label gateway-action-${g.action}`} title={ACTION_LABELS[g.action].hint}>
                  {ACTION_LABELS[g.action].label}
                </span>
                {g.blockers.map((b, i) => (
                  <span key={i} className="issue issue-blocker">
                    <Icon name="blocked" /> {b.message}
                  </span>
                ))}
              </li>
            ))}
          </ul>
          <PacketBrokerWarning text={plan.gateways.packetBroker} compact />
        </>
      ) : null}
    </section>
  );
}
