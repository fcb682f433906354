// The state behind a Simulator, for modules of the simulator itself (the air
// reads registries without copying them). Not exported from index.ts.
import type { SimContext } from './context.js';
import type { Simulator } from './types.js';

const INTERNALS = new WeakMap<Simulator, SimContext>();

export function registerInternals(sim: Simulator, ctx: SimContext): void {
  INTERNALS.set(sim, ctx);
}

export function internalsOf(sim: Simulator): SimContext {
  const ctx = INTERNALS.get(sim);
  if (!ctx) throw new Error('not a simulator started by startSimulator');
  return ctx;
}
