import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATALOG, loadCatalogJourney } from './catalog/journey-catalog.ts';
import { parseJourneyText } from './journey-schema.ts';
import { journeyYaml, sameDefinition } from './journey-yaml.ts';

describe('journey YAML', () => {
  it('reads back as the same definition, for every catalog journey', () => {
    for (const { file } of CATALOG) {
      const journey = { ...loadCatalogJourney(file), version: 4, status: 'live' as const };
      const text = journeyYaml(journey);
      assert.doesNotMatch(text, /^version:/m, 'versions are assigned, not written');
      const read = parseJourneyText(text);
      assert.ok(read.ok, file);
      assert.equal(read.journey.status, 'live');
      assert.ok(sameDefinition(read.journey, journey), file);
    }
  });

  it('ignores version, status and key order, but not content', () => {
    const journey = loadCatalogJourney('abandoned-cart.yaml');
    const reordered = Object.fromEntries(Object.entries(journey).reverse()) as typeof journey;
    assert.ok(sameDefinition(journey, { ...reordered, version: 2, status: 'paused' }));
    assert.ok(!sameDefinition(journey, { ...journey, name: 'Other' }));
  });
});
