import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidTwilioSignature, twilioSignature } from './twilio-signature.ts';

// The worked example in Twilio's request-validation documentation.
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const params = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
};

test("Twilio's documented example signs to its documented signature", () => {
  assert.equal(twilioSignature('12345', url, params), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  assert.ok(isValidTwilioSignature({ authToken: '12345', signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, params }));
});

test('another token, URL or parameter value, or no header, fails', () => {
  const signature = twilioSignature('12345', url, params);
  assert.ok(!isValidTwilioSignature({ authToken: '54321', signature, url, params }));
  assert.ok(!isValidTwilioSignature({ authToken: '12345', signature, url: `${url}&x=1`, params }));
  assert.ok(!isValidTwilioSignature({ authToken: '12345', signature, url, params: { ...params, Digits: '1235' } }));
  assert.ok(!isValidTwilioSignature({ authToken: '12345', signature: undefined, url, params }));
});
