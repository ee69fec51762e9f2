import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseTemplate, type TemplateDefinition } from '../templates/template-schema.ts';
import { describeEachStore } from './test-store-adapters.ts';

function template(id: string, text: string): TemplateDefinition {
  const parsed = parseTemplate({ id, name: `Template ${id}`, channels: { sms: { text } } });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.template;
}

const head = (workspaceId: string, id: string, latestVersion: number, at: number) => ({
  workspaceId,
  id,
  name: `Template ${id}`,
  latestVersion,
  createdAt: 1_000,
  updatedAt: at,
});

describeEachStore('template store contract', (adapter) => {
  it('keeps every version, edits one in place, and reads the latest by default', async () => {
    const t = adapter.store.templates;
    const version = (v: number, text: string, at: number) => ({
      workspaceId: 'w1',
      templateId: 'hello',
      version: v,
      definition: template('hello', text),
      createdAt: at,
    });
    await t.saveTemplate(head('w1', 'hello', 1, 1_000), version(1, 'one', 1_000));
    await t.saveTemplate(head('w1', 'hello', 1, 1_500), version(1, 'one, edited', 1_000));
    await t.saveTemplate(head('w1', 'hello', 2, 2_000), version(2, 'two', 2_000));
    // Another workspace's template of the same id stays apart.
    await t.saveTemplate(head('w2', 'hello', 1, 3_000), { ...version(1, 'other', 3_000), workspaceId: 'w2' });

    assert.deepEqual(await t.getTemplate('w1', 'hello'), head('w1', 'hello', 2, 2_000));
    assert.equal((await t.getTemplateVersion('w1', 'hello'))?.definition.channels.sms?.text, 'two');
    assert.equal((await t.getTemplateVersion('w1', 'hello', 1))?.definition.channels.sms?.text, 'one, edited');
    assert.equal(await t.getTemplateVersion('w1', 'hello', 3), undefined);
    assert.deepEqual(await t.listTemplateVersions('w1', 'hello'), [
      { version: 1, createdAt: 1_000 },
      { version: 2, createdAt: 2_000 },
    ]);
    assert.deepEqual(
      (await t.listTemplates('w1')).map((r) => r.id),
      ['hello'],
    );

    assert.equal(await t.deleteTemplate('w1', 'hello'), true);
    assert.equal(await t.deleteTemplate('w1', 'hello'), false);
    assert.equal(await t.getTemplate('w1', 'hello'), undefined);
    assert.equal(await t.getTemplateVersion('w1', 'hello', 1), undefined);
    assert.equal((await t.getTemplateVersion('w2', 'hello'))?.definition.channels.sms?.text, 'other');
  });
});
