import type { ReactNode } from 'react';
import type { JourneyDefinition } from '../../../journeys/journey-schema.ts';
import { journeyYaml } from '../../../journeys/journey-yaml.ts';

/** The definition as the YAML that `godwit journeys export` writes (lazy: it brings the YAML library). */
export default function JourneySource(props: { definition: JourneyDefinition; children(source: string): ReactNode }) {
  return <>{props.children(journeyYaml(props.definition))}</>;
}
