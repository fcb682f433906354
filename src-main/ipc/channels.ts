// The channel names alone, for the preload: it must stay small (it is bundled into the
// sandboxed page), so it does not import the zod schemas. The types below fail to compile
// if this list and the contract ever differ.
import type { EventChannel, InvokeChannel } from './contract.js';

export const INVOKE_CHANNELS = [
  'app:info', 'app:open-docs',
  'connections:list', 'connections:test', 'connections:add', 'connections:update', 'connections:remove',
  'applications:list', 'applications:get',
  'devices:list', 'devices:details', 'devices:export',
  'plan:create',
  'run:start', 'run:pause', 'run:resume', 'run:cancel', 'run:retry-failed', 'run:retire', 'run:list-unfinished', 'run:resume-unfinished',
  'run:history', 'arrivals:check', 'arrivals:save', 'arrivals:trigger-again',
  'triggers:list', 'triggers:save', 'triggers:export', 'triggers:import',
  'report:save', 'sheet:save', 'update-sheet:get', 'update-sheet:save',
  'gateways:list', 'gateways:plan', 'gateways:start', 'gateways:status', 'gateways:sheet-save', 'gateways:rollback', 'gateways:resume', 'gateways:runs',
  'demo:start', 'demo:stop',
] as const satisfies readonly InvokeChannel[];

export const EVENT_CHANNELS = ['devices:page', 'run:progress', 'gateways:progress'] as const satisfies readonly EventChannel[];

type Missing<All, Listed> = Exclude<All, Listed>;
// Each line is an error when a channel of the contract is missing from the lists above.
const everyInvokeChannelListed: Missing<InvokeChannel, (typeof INVOKE_CHANNELS)[number]> extends never ? true : never = true;
const everyEventChannelListed: Missing<EventChannel, (typeof EVENT_CHANNELS)[number]> extends never ? true : never = true;
void everyInvokeChannelListed;
void everyEventChannelListed;

export const isListedInvokeChannel = (c: unknown): c is InvokeChannel => typeof c === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(c);
export const isListedEventChannel = (c: unknown): c is EventChannel => typeof c === 'string' && (EVENT_CHANNELS as readonly string[]).includes(c);
