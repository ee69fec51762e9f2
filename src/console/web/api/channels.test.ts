import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CHANNELS as SERVER_CONSENT_CHANNELS } from '../../../delivery/channel-choice.ts';
import { DELIVERY_CHANNELS } from '../../../delivery/provider-registry.ts';
import { RESERVED_TOPICS } from '../../../delivery/subscriptions/topic.ts';
import { SUPPRESSIBLE_CHANNELS as SERVER_SUPPRESSIBLE } from '../../../delivery/suppression/suppression-service.ts';
import { CHANNELS, CONSENT_CHANNELS, CONSENT_TOPICS, SUPPRESSIBLE_CHANNELS } from './channels.ts';

it("the console's channel lists are the server's", () => {
  assert.deepEqual([...CHANNELS].sort(), [...DELIVERY_CHANNELS].sort());
  assert.deepEqual([...SUPPRESSIBLE_CHANNELS].sort(), [...SERVER_SUPPRESSIBLE].sort());
  assert.deepEqual([...CONSENT_CHANNELS].sort(), [...SERVER_CONSENT_CHANNELS].sort());
  assert.deepEqual([...CONSENT_TOPICS].sort(), [...RESERVED_TOPICS].sort());
});
