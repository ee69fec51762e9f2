import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../shared/config.ts';

test('no provider is configured by default, and the base URLs have defaults', () => {
  const config = parseConfig({});
  assert.equal(config.GODWIT_SMTP_URL, undefined);
  assert.equal(config.GODWIT_TWILIO_BASE_URL, 'https://api.twilio.com');
  assert.equal(config.GODWIT_WHATSAPP_BASE_URL, 'https://graph.facebook.com/v21.0');
});

test('a provider that is switched on names each variable it still needs', () => {
  assert.throws(
    () => parseConfig({ GODWIT_TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}` }),
    (error: Error) =>
      error instanceof ConfigError &&
      /GODWIT_TWILIO_AUTH_TOKEN=\(unset\): required when GODWIT_TWILIO_ACCOUNT_SID is set/.test(error.message) &&
      /GODWIT_TWILIO_FROM=\(unset\): required/.test(error.message),
  );
  assert.throws(() => parseConfig({ GODWIT_SMTP_URL: 'smtp://localhost:25' }), /GODWIT_SMTP_FROM=\(unset\)/);
  assert.throws(() => parseConfig({ GODWIT_WHATSAPP_TOKEN: 't' }), /GODWIT_WHATSAPP_APP_SECRET=\(unset\)/);
});

test('malformed credentials are named with what they should look like', () => {
  assert.throws(
    () => parseConfig({ GODWIT_SMTP_URL: 'http://mail', GODWIT_SMTP_FROM: 'a@b.c' }),
    /GODWIT_SMTP_URL="http:\/\/mail": must be an smtp:\/\//,
  );
  assert.throws(
    () => parseConfig({ GODWIT_TWILIO_ACCOUNT_SID: 'AC123' }),
    /GODWIT_TWILIO_ACCOUNT_SID="AC123": must be a Twilio Account SID/,
  );
  assert.throws(
    () => parseConfig({ GODWIT_TWILIO_FROM: '0415' }),
    /GODWIT_TWILIO_FROM="0415": must be an E.164 number/,
  );
  assert.throws(() => parseConfig({ GODWIT_PUBLIC_URL: 'godwit.example' }), /GODWIT_PUBLIC_URL/);
});

test('a complete provider configuration is accepted', () => {
  const config = parseConfig({
    GODWIT_PUBLIC_URL: 'https://godwit.example/',
    GODWIT_SMTP_URL: 'smtps://u:p@mail.example:465',
    GODWIT_SMTP_FROM: 'Acme <hi@acme.example>',
    GODWIT_SMTP_POOL_SIZE: '3',
  });
  assert.equal(config.GODWIT_PUBLIC_URL, 'https://godwit.example');
  assert.equal(config.GODWIT_SMTP_POOL_SIZE, 3);
});
