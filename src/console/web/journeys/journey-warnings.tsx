import type { JourneyReference } from '../../../journeys/journey-references.ts';
import type { JourneyRequirements } from '../../../journeys/journey-requirements.ts';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * What a save or an install says the workspace lacks for a journey. The API's `warnings` say the
 * same in English; these fields are the data behind them, so the console words them in the admin's language.
 */
export interface JourneyNotes {
  /** Install only: the events and traits not seen yet. */
  readonly missing?: JourneyRequirements;
  readonly missingReferences?: readonly JourneyReference[];
}

/** One line for the data not seen yet, then each missing template or segment at the field that names it. */
export function JourneyWarnings(props: { notes: JourneyNotes }) {
  const { t } = useI18n();
  const { missing, missingReferences = [] } = props.notes;
  const notSeen = missing ? [...missing.events, ...missing.traits] : [];
  if (notSeen.length === 0 && missingReferences.length === 0) return null;
  return (
    <ul className="muted">
      {notSeen.length > 0 && <li>{t('warnings.notSeen', { names: notSeen.join(', ') })}</li>}
      {missingReferences.map(({ kind, id, path, channel }) => (
        <li key={path}>{t(warningKey(kind, channel), { id, path, channel: channel ?? '' })}</li>
      ))}
      {missingReferences.length > 0 && <li>{t('warnings.cannotGoLive')}</li>}
    </ul>
  );
}

function warningKey(kind: JourneyReference['kind'], channel: string | undefined) {
  if (kind === 'segment') return 'warnings.noSegment';
  return channel ? 'warnings.noTemplateChannel' : 'warnings.noTemplate';
}
