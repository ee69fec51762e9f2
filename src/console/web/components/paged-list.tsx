import { ErrorNote } from './states.tsx';

/** Under a paged list (`usePages`): why the last older page failed, and the button for the next one. */
export function LoadOlder(props: {
  pages: { error?: Error; hasMore: boolean; busy: boolean; loadMore(): void };
  label: string;
}) {
  const { pages } = props;
  return (
    <>
      {pages.error && <ErrorNote error={pages.error} />}
      {pages.hasMore && (
        <button type="button" onClick={pages.loadMore} disabled={pages.busy}>
          {props.label}
        </button>
      )}
    </>
  );
}
