import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorStatus } from '../../../shared/errors.ts';
import { en } from './en.ts';
import { zhCN } from './zh-cn.ts';

/** Brand names, written the same in Chinese. */
const BRANDS = new Set(['channel.whatsapp']);

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console dictionaries', () => {
  it('have the same keys in English and Simplified Chinese', () => {
    assert.deepEqual(Object.keys(zhCN).sort(), Object.keys(en).sort());
  });

  it('translate every label (no empty or untranslated Chinese text) and keep the same placeholders', () => {
    for (const [key, english] of Object.entries(en)) {
      const chinese = zhCN[key as keyof typeof en];
      assert.ok(chinese.trim(), `${key} is empty`);
      assert.deepEqual(placeholders(chinese), placeholders(english), `${key} placeholders`);
      // Text with words in it must contain some Chinese (ids such as "Godwit ID" are the exception).
      if (/[a-z]{3}/i.test(english) && !key.endsWith('Id') && !key.endsWith('.id') && !BRANDS.has(key)) {
        assert.match(chinese, /[\u4e00-\u9fff]/, `${key} looks untranslated: ${chinese}`);
      }
    }
  });

  it('have a sentence for every error code the API returns', () => {
    for (const code of Object.keys(errorStatus)) assert.ok(`errors.${code}` in en, `no errors.${code}`);
  });
});
