import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../shared/config.ts';
import { createProviders } from './create-providers.ts';

test('createProviders builds exactly the providers whose credentials are configured', async () => {
  assert.deepEqual(createProviders(parseConfig({})).providers, []);
  const all = createProviders(
    parseConfig({
      GODWIT_SMTP_URL: 'smtp://127.0.0.1:2525',
      GODWIT_SMTP_FROM: 'hi@godwit.example',
      GODWIT_TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
      GODWIT_TWILIO_AUTH_TOKEN: 't',
      GODWIT_TWILIO_FROM: '+14155550100',
      GODWIT_WHATSAPP_TOKEN: 't',
      GODWIT_WHATSAPP_PHONE_NUMBER_ID: '1',
      GODWIT_WHATSAPP_APP_SECRET: 's',
      GODWIT_WHATSAPP_VERIFY_TOKEN: 'v',
    }),
  );
  assert.deepEqual(
    all.providers.map((p) => [p.name, p.channels.join('+')]),
    [
      ['smtp', 'email'],
      ['twilio', 'sms+voice'],
      ['whatsapp', 'whatsapp'],
    ],
  );
  await all.close();
});
