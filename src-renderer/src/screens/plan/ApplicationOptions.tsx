// "Bring the application along": off by default. On, the plan carries the application's
// settings before the devices; a missing target application can be created under a user or
// an organization; webhooks' downlink keys get a new target key, or none.
import { useId, useState } from 'react';
import { Icon } from '../../components/Icon';
import type { ApplicationOptionsInput, CreateTargetChoice, PlanView } from '../../ipc/types';
import { ownerIdProblem, targetAppMissing } from '../../lib/application';
import { usePlan } from '../../stores/plan';
import { Choice } from './Choice';

const DEFAULTS: ApplicationOptionsInput = { overwrite: [], webhookDownlinkKeys: 'create' };

export function ApplicationOptions({ plan }: { plan: PlanView | undefined }) {
  const ids = useId();
  const application = usePlan((s) => s.options.application);
  const setApplication = usePlan((s) => s.setApplication);
  const targetId = usePlan((s) => s.request?.target.applicationId);
  // The owner as typed: kept while the section is off, so turning it on again restores it.
  const [ownerKind, setOwnerKind] = useState<CreateTargetChoice['kind']>(application?.createTarget?.kind ?? 'user');
  const [ownerId, setOwnerId] = useState(application?.createTarget?.id ?? '');
  const on = application !== undefined;
  const missing = targetAppMissing(plan);
  const ownerError = ownerIdProblem(ownerId);
  const ownerMissing = on && missing && !application.createTarget;

  const owner = (kind: CreateTargetChoice['kind'], id: string): CreateTargetChoice | undefined => (id && !ownerIdProblem(id) ? { kind, id } : undefined);
  const withOwner = (base: ApplicationOptionsInput, choice: CreateTargetChoice | undefined): ApplicationOptionsInput => {
    const { createTarget: _old, ...rest } = base;
    return choice ? { ...rest, createTarget: choice } : rest;
  };
  const changeOwner = (kind: CreateTargetChoice['kind'], id: string, delayMs: number) => {
    setOwnerKind(kind);
    setOwnerId(id);
    if (!application) return;
    const next = owner(kind, id);
    // An id being typed that is not valid yet: the plan stays as it is until it is.
    if (id && !next) return;
    if (JSON.stringify(next) === JSON.stringify(application.createTarget)) return;
    setApplication(withOwner(application, next), delayMs);
  };

  return (
    <fieldset className={`option-group app-options${on ? ' is-on' : ''}${ownerMissing ? ' is-required' : ''}`}>
      <legend>Application</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={on}
          onChange={(e) => setApplication(e.target.checked ? withOwner(DEFAULTS, missing ? owner(ownerKind, ownerId) : undefined) : undefined)}
        />
        <span>
          Bring the application along
          <span className="option-text">
            Its payload formatters, webhooks, pub/subs and application packages are carried to the target before the devices, so the first
            uplinks there are decoded and delivered. Nothing the target already has is overwritten unless you choose it.
          </span>
        </span>
      </label>
      {!on && missing ? (
        <p className="option-warning">
          <Icon name="warning" /> The target application <span className="mono">{targetId}</span> does not exist: turn this on to create it from
          the source’s name, description and attributes.
        </p>
      ) : null}
      {on && missing ? (
        <div className="app-create" role="group" aria-labelledby={`${ids}-create`}>
          <span className="field-label" id={`${ids}-create`}>
            Create <span className="mono">{targetId}</span> under
          </span>
          {ownerMissing ? (
            <p className="option-required" role="alert">
              <Icon name="warning" /> The target application does not exist: say under which user or organization to create it.
            </p>
          ) : null}
          <div className="app-owner">
            <select className="input" aria-label="Owner kind" value={ownerKind} onChange={(e) => changeOwner(e.target.value as CreateTargetChoice['kind'], ownerId, 0)}>
              <option value="user">User</option>
              <option value="organization">Organization</option>
            </select>
            <input
              className="input mono"
              aria-label={ownerKind === 'user' ? 'User id' : 'Organization id'}
              placeholder={ownerKind === 'user' ? 'user id' : 'organization id'}
              value={ownerId}
              spellCheck={false}
              aria-invalid={Boolean(ownerError)}
              aria-describedby={`${ids}-owner-hint`}
              onChange={(e) => changeOwner(ownerKind, e.target.value.trim().toLowerCase(), 450)}
            />
          </div>
          <span className={ownerError ? 'field-error' : 'field-hint'} id={`${ids}-owner-hint`}>
            {ownerError ??
              `Needs a ${ownerKind === 'user' ? 'user' : 'organization'} API key on the target that may create applications (an application key cannot).`}
          </span>
        </div>
      ) : null}
      {on ? (
        <div className="app-keys" role="radiogroup" aria-labelledby={`${ids}-keys`}>
          <span className="field-label" id={`${ids}-keys`}>
            Webhooks’ downlink API keys
          </span>
          <p className="option-text">A webhook’s downlink key belongs to the source: it does not work on the target.</p>
          <Choice
            name={`${ids}-keys`}
            checked={application.webhookDownlinkKeys !== 'leave-empty'}
            onChange={() => setApplication({ ...application, webhookDownlinkKeys: 'create' })}
            title="Create a new target key for each"
            badge="Recommended"
            text="With only the right to send downlinks; the target API key must be allowed to create API keys."
          />
          <Choice
            name={`${ids}-keys`}
            checked={application.webhookDownlinkKeys === 'leave-empty'}
            onChange={() => setApplication({ ...application, webhookDownlinkKeys: 'leave-empty' })}
            title="Leave them empty"
            warning="The receivers cannot send downlinks until you give each webhook a target key by hand."
          />
        </div>
      ) : null}
    </fieldset>
  );
}
