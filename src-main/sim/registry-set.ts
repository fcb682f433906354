// The read-modify-write of the AS's Redis registries for webhooks, pub/subs and
// package associations (pkg/applicationserver/io/{web,pubsub,packages}/redis
// registry.go Set): create adds the identifiers to the mask, update refuses
// changed identifiers, timestamps are the registry's, the merged record is
// validated whole, and the answer is the record under the get paths.
import { type Check } from './validate.js';
import { type JsonObject, clone, getPath, hasAnyField } from './json-path.js';
import { prohibitedField, registryReadOnlyField } from './integration-errors.js';
import { type Oneof, project, setFields } from './set-fields.js';

export interface RegistrySpec {
  /** The registry package, namespace of its errors, e.g. 'pkg/applicationserver/io/web/redis'. */
  namespace: string;
  /** Identifier paths an update may not change (errReadOnlyField), in check order. */
  readOnly: readonly string[];
  /** Paths a create adds to the mask (the RPC's create branch). */
  createPaths: readonly string[];
  /** pub/sub and packages registries refuse created_at/updated_at in the mask (ProhibitFields). */
  prohibitTimestamps: boolean;
  /** The stored message's full validator (updated.ValidateFields()). */
  check: Check;
  oneofs?: readonly Oneof[];
}

/** The registry's implicit get paths. */
const REGISTRY_GETS = ['created_at', 'ids', 'updated_at'];

export function registryGets(rpcGets: readonly string[], mask: readonly string[]): string[] {
  return [...REGISTRY_GETS, ...rpcGets, ...mask];
}

/**
 * Applies a Set: returns the record to store (undefined: nothing to write) and
 * the answer. Throws the registry's errors.
 */
export function registrySet(
  spec: RegistrySpec,
  stored: JsonObject | undefined,
  request: JsonObject,
  mask: readonly string[],
  gets: readonly string[],
  now: string,
): { next?: JsonObject; reply: JsonObject } {
  const oneofs = spec.oneofs ?? [];
  const sets = stored ? [...mask] : [...mask, ...spec.createPaths];
  if (spec.prohibitTimestamps) {
    for (const f of ['created_at', 'updated_at']) if (hasAnyField(sets, f)) throw prohibitedField(spec.namespace, f);
  }
  // Nothing to set on an existing record: the stored one, unchanged.
  if (stored && sets.length === 0) return { reply: project(stored, gets, oneofs) };
  const pb = clone(request);
  pb.updated_at = now;
  sets.push('updated_at');
  let updated: JsonObject;
  if (!stored) {
    pb.created_at = now;
    sets.push('created_at');
    updated = setFields({}, pb, sets, oneofs);
  } else {
    for (const p of spec.readOnly) {
      if (hasAnyField(sets, p) && (getPath(pb, p) ?? '') !== (getPath(stored, p) ?? '')) throw registryReadOnlyField(spec.namespace, p);
    }
    updated = setFields(clone(stored), pb, sets, oneofs);
  }
  const invalid = spec.check(updated, undefined);
  if (invalid) throw invalid;
  return { next: updated, reply: project(updated, gets, oneofs) };
}
