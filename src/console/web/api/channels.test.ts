import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DELIVERY_CHANNELS } from '../../../delivery/provider-registry.ts';
import { SUPPRESSIBLE_CHANNELS as SERVER_SUPPRESSIBLE } from '../../../delivery/suppression/suppression-service.ts';
import { CHANNELS, SUPPRESSIBLE_CHANNELS } from './channels.ts';

it("the console's channel lists are the server's", () => {
  assert.deepEqual([...CHANNELS].sort(), [...DELIVERY_CHANNELS].sort());
  assert.deepEqual([...SUPPRESSIBLE_CHANNELS].sort(), [...SERVER_SUPPRESSIBLE].sort());
});
