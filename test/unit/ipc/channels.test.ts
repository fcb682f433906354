import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../../src-main/ipc/channels';
import { eventChannels, invokeChannels } from '../../../src-main/ipc/contract';

describe('channel lists of the preload', () => {
  it('name exactly the contract’s invoke channels', () => {
    expect([...INVOKE_CHANNELS].sort()).toEqual(Object.keys(invokeChannels).sort());
  });
  it('name exactly the contract’s event channels', () => {
    expect([...EVENT_CHANNELS].sort()).toEqual(Object.keys(eventChannels).sort());
  });
});
