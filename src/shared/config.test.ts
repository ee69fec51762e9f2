import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'godwit-config-'));

describe('configuration', () => {
  it('has defaults for the embedded start', () => {
    const config = loadConfig({}, emptyDir());
    assert.equal(config.PORT, 8080);
    assert.equal(config.GODWIT_DATA_DIR, './data');
    assert.equal(config.DATABASE_URL, undefined);
  });

  it('names each invalid variable and why', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' }, emptyDir()),
      (error: Error) =>
        error instanceof ConfigError &&
        /PORT="eighty": must be a number/.test(error.message) &&
        /DATABASE_URL="mysql:\/\/x": must be a postgres:\/\/ URL/.test(error.message),
    );
    assert.throws(() => loadConfig({ PORT: '70000' }, emptyDir()), /PORT="70000": must be between 0 .*65535/);
    assert.throws(() => loadConfig({ NATS_URL: 'http://x' }, emptyDir()), /NATS_URL/);
  });

  it('reads godwit.config.json, with the environment winning and empty variables ignored', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'godwit.config.json'), JSON.stringify({ PORT: 9000, GODWIT_DATA_DIR: '/srv/godwit' }));
    const config = loadConfig({ PORT: '9100', GODWIT_DATA_DIR: '' }, dir);
    assert.equal(config.PORT, 9100);
    assert.equal(config.GODWIT_DATA_DIR, '/srv/godwit');
  });

  it('takes only a country the phone library knows', () => {
    assert.equal(loadConfig({ GODWIT_DEFAULT_COUNTRY: 'GB' }, emptyDir()).GODWIT_DEFAULT_COUNTRY, 'GB');
    for (const country of ['XX', 'gb', 'GBR']) {
      assert.throws(
        () => loadConfig({ GODWIT_DEFAULT_COUNTRY: country }, emptyDir()),
        /GODWIT_DEFAULT_COUNTRY=".*": must be a two-letter \(ISO 3166\) country code/,
      );
    }
  });

  it('names each key of the file that is not a setting, rather than ignoring it', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'godwit.config.json'), JSON.stringify({ PORT: 9000, PROT: 9100, LOGLEVEL: 'debug' }));
    assert.throws(
      () => loadConfig({}, dir),
      (error: Error) =>
        error instanceof ConfigError &&
        /\n {2}PROT: not a Godwit setting/.test(error.message) &&
        /\n {2}LOGLEVEL: not a Godwit setting/.test(error.message),
    );
  });

  it('never shows a password in a URL, nor the value of a secret', () => {
    const dir = emptyDir();
    writeFileSync(
      join(dir, 'godwit.config.json'),
      JSON.stringify({ GODWIT_MASTER_KEY: 4242424242, GODWIT_WHATSAPP_APP_SECRET: ['w-s3cret'] }),
    );
    const env = {
      DATABASE_URL: 'postgress://app:s3cret@db/godwit',
      GODWIT_SMTP_URL: 'smpt://mailer:p@ss:w0rd@mail.example.com:587',
      NATS_URL: 'app:n4ts-pass@nats.internal:4222',
    };
    assert.throws(
      () => loadConfig(env, dir),
      (error: Error) => {
        for (const secret of ['s3cret', 'p@ss', 'w0rd', 'n4ts-pass', '4242424242']) {
          assert.ok(!error.message.includes(secret), `${secret} shown in:\n${error.message}`);
        }
        assert.match(error.message, /DATABASE_URL="postgress:\/\/app:\*\*\*@db\/godwit": must be a postgres:\/\/ URL/);
        assert.match(
          error.message,
          /GODWIT_SMTP_URL="smpt:\/\/mailer:\*\*\*@mail\.example\.com:587": must be an smtp:\/\//,
        );
        assert.match(error.message, /NATS_URL="app:\*\*\*@nats\.internal:4222": must be a nats:\/\/ URL/);
        assert.match(error.message, /GODWIT_MASTER_KEY=\(hidden\): /);
        assert.match(error.message, /GODWIT_WHATSAPP_APP_SECRET=\(hidden\): /);
        return error instanceof ConfigError;
      },
    );
  });

  it('lets the file hold $schema and "//" comment keys, and still refuses a typo', () => {
    const dir = emptyDir();
    const settings = { $schema: './godwit.schema.json', '// PORT': 'behind the proxy', PORT: 9000 };
    writeFileSync(join(dir, 'godwit.config.json'), JSON.stringify(settings));
    assert.equal(loadConfig({}, dir).PORT, 9000);
    writeFileSync(join(dir, 'godwit.config.json'), JSON.stringify({ ...settings, '/ PORT': 'x', schema: 'y' }));
    assert.throws(
      () => loadConfig({}, dir),
      (error: Error) =>
        error instanceof ConfigError &&
        /\n {2}\/ PORT: not a Godwit setting/.test(error.message) &&
        /\n {2}schema: not a Godwit setting/.test(error.message) &&
        !/\$schema|\/\/ PORT/.test(error.message),
    );
    writeFileSync(join(dir, 'godwit.config.json'), '[9000]');
    assert.throws(() => loadConfig({}, dir), /godwit\.config\.json: must be a JSON object of settings/);
  });

  it('says which file is broken', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'custom.json'), '{ nope');
    assert.throws(() => loadConfig({ GODWIT_CONFIG: 'custom.json' }, dir), /custom\.json: not valid JSON/);
    assert.throws(() => loadConfig({ GODWIT_CONFIG: 'missing.json' }, dir), /GODWIT_CONFIG: file not found/);
  });
});
