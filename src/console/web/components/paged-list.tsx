import { ErrorNote } from './states.tsx';

/**
 * Under a paged list (`usePages`): why the last older page failed, and the button for the next one.
 * `scrolls`: the list loads as it scrolls, so the button shows only to try again after a failure.
 */
export function LoadOlder(props: {
  pages: { error?: Error; hasMore: boolean; busy: boolean; loadMore(again?: boolean): void };
  label: string;
  scrolls?: boolean;
}) {
  const { pages } = props;
  const button = pages.hasMore && (!props.scrolls || pages.error);
  return (
    <>
      {pages.error && <ErrorNote error={pages.error} />}
      {button && (
        <button type="button" onClick={() => pages.loadMore(true)} disabled={pages.busy}>
          {props.label}
        </button>
      )}
    </>
  );
}
