import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DELIVERY_CHANNELS } from '../../../delivery/provider-registry.ts';
import { CHANNELS } from './channels.ts';

it("the console's channel list is the server's", () => {
  assert.deepEqual([...CHANNELS].sort(), [...DELIVERY_CHANNELS].sort());
});
