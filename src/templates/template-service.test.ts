import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openTestStore, WS } from '../delivery/test-delivery.ts';
import { ManualClock } from '../shared/clock.ts';
import type { Store } from '../storage/store.ts';
import type { TemplateStore } from '../storage/template-store.ts';
import type { TemplateDefinition } from './template-schema.ts';
import { TemplateService } from './template-service.ts';

const note = (text: string): TemplateDefinition =>
  ({ id: 'note', name: 'Note', channels: { sms: { text } }, locales: {} }) as unknown as TemplateDefinition;

describe('TemplateService.definitionFor', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let reads: number;
  let service: TemplateService;

  beforeEach(async () => {
    ({ store, dispose } = await openTestStore());
    reads = 0;
    // The real store, counting the reads rendering makes.
    const templates: TemplateStore = Object.create(store.templates);
    templates.getTemplateVersion = (...args) => {
      reads += 1;
      return store.templates.getTemplateVersion(...args);
    };
    service = new TemplateService({ templates, clock: new ManualClock(Date.UTC(2026, 0, 1)) });
  });
  afterEach(() => dispose());

  it('reads a template once for a burst of renders, and a save or delete takes effect at once', async () => {
    await service.create(WS, note('v1'));
    reads = 0;
    const burst = await Promise.all(Array.from({ length: 50 }, () => service.definitionFor(WS, 'note')));
    assert.ok(burst.every((d) => JSON.stringify(d).includes('v1')));
    assert.equal(reads, 1);

    await service.update(WS, 'note', note('v2'));
    assert.match(JSON.stringify(await service.definitionFor(WS, 'note')), /v2/);
    await service.delete(WS, 'note');
    assert.equal(await service.definitionFor(WS, 'note'), undefined);
  });
});
