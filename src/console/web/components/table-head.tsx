import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** A table's header row from label keys; `actions` adds a last column named only for screen readers. */
export function TableHead(props: { columns: readonly MessageKey[]; actions?: boolean }) {
  const { t } = useI18n();
  return (
    <thead>
      <tr>
        {props.columns.map((key) => (
          <th key={key} scope="col">
            {t(key)}
          </th>
        ))}
        {props.actions && (
          <th scope="col">
            <span className="visually-hidden">{t('common.actions')}</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
