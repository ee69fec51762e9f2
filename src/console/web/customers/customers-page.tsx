import { type FormEvent, useId } from 'react';
import { query } from '../api/client.ts';
import type { Profile } from '../api/types.ts';
import { type Page, usePagedApi, usePages } from '../api/use-pages.ts';
import { LoadOlder } from '../components/paged-list.tsx';
import { Await, Empty, FirstEventSnippet } from '../components/states.tsx';
import { TableHead } from '../components/table-head.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { displayName } from './display-name.ts';

/** Customers per page of the list; older ones load on request. */
const PAGE = 50;

export default function CustomersPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const inputId = useId();
  const { list, older } = usePagedApi<Profile, 'customers'>(`/v1/customers${query({ q, limit: PAGE })}`, 'customers');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    navigate(`/customers${query({ q: value })}`);
  };
  return (
    <>
      <h1 tabIndex={-1}>{t('customers.title')}</h1>
      <search>
        <form className="toolbar" onSubmit={submit}>
          <label htmlFor={inputId}>{t('customers.search')}</label>
          <input id={inputId} name="q" type="search" defaultValue={q} placeholder={t('customers.searchHint')} />
          <button type="submit">{t('customers.searchButton')}</button>
        </form>
      </search>
      <Await loaded={list}>
        {(first) =>
          first.items.length === 0 ? (
            <Empty title={q ? t('customers.noMatch', { q }) : t('customers.empty')}>
              {!q && <FirstEventSnippet />}
            </Empty>
          ) : (
            <CustomerTable first={first} older={older} />
          )
        }
      </Await>
    </>
  );
}

/** Newest first; older customers on request. */
function CustomerTable(props: { first: Page<Profile>; older(before: string): Promise<Page<Profile>> }) {
  const { t, dateTime } = useI18n();
  const pages = usePages(props.first, props.older);
  return (
    <>
      <table>
        <TableHead columns={['customers.name', 'customers.email', 'customers.id', 'customers.updated']} />
        <tbody>
          {pages.items.map((c) => (
            <tr key={c.id}>
              <td>
                <Link to={`/customers/${encodeURIComponent(c.id)}`}>{displayName(c)}</Link>
              </td>
              <td>{String(c.traits.email ?? '')}</td>
              <td className="mono">{c.id}</td>
              <td>{dateTime(c.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadOlder pages={pages} label={t('customers.older')} />
    </>
  );
}
