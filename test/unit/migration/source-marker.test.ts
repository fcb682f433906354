// The mark a quieted source device carries (issue 10, point 1).
import { describe, expect, it } from 'vitest';
import { attributesWithMarker, MARKER_KEY, markerOf, roomForMarker, withoutMarker } from '../../../src-main/migration/source-marker.js';

describe('the source mark', () => {
  it('reads back what it wrote, and nothing else', () => {
    const attributes = attributesWithMarker({ attributes: { site: 'north' } }, { state: 'quieted', before: 'off' });
    expect(attributes.site).toBe('north');
    expect(markerOf({ attributes })).toEqual({ state: 'quieted', before: 'off' });
    expect(markerOf({ attributes: { [MARKER_KEY]: 'something of the user' } })).toBeUndefined();
    expect(markerOf({})).toBeUndefined();
    expect(attributesWithMarker({ attributes }, undefined)).toEqual({ site: 'north' });
  });
  it('never travels to the target, and needs room among the 10 attributes the server allows', () => {
    expect(withoutMarker({ site: 'a', [MARKER_KEY]: 'quieted downlinks=unset' })).toEqual({ site: 'a' });
    expect(withoutMarker({ [MARKER_KEY]: 'quieted downlinks=unset' })).toBeUndefined();
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key-${i}`, 'v']));
    expect(roomForMarker({ attributes: ten })).toBe(false);
    expect(roomForMarker({ attributes: { ...Object.fromEntries(Object.entries(ten).slice(0, 9)), [MARKER_KEY]: 'retired downlinks=on' } })).toBe(true);
  });
});
