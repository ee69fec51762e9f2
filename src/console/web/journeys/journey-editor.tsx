import { yaml } from '@codemirror/lang-yaml';
import { type Diagnostic, forceLinting, linter, lintGutter } from '@codemirror/lint';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { ErrorNote } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { issueRange } from './issue-positions.ts';
import { type JourneyNotes, JourneyWarnings } from './journey-warnings.tsx';

/** What a save says: done (or why not), and what the saved journey still lacks. */
export interface SaveOutcome {
  readonly message: string;
  readonly notes?: JourneyNotes;
}

/**
 * A YAML/JSON journey editor (CodeMirror, in this lazy chunk). The server validates as you type, and
 * each issue is underlined at the field it names, and listed below for keyboard and screen-reader users.
 */
export default function JourneyEditor(props: { source: string; onSave(source: string): Promise<SaveOutcome> }) {
  const { t } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(undefined);
  const [issues, setIssues] = useState<{ path: string; message: string; line: number }[]>([]);
  const [status, setStatus] = useState<SaveOutcome>();
  const [saveError, setSaveError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is created once per source
  useEffect(() => {
    const check = linter(
      async (editor): Promise<Diagnostic[]> => {
        const source = editor.state.doc.toString();
        try {
          await api('/v1/journeys/validate', { method: 'POST', body: { source } });
          setIssues([]);
          return [];
        } catch (error) {
          // Not reaching the server says nothing about the text: no marks (saving says it in words).
          if (error instanceof ApiError && error.code === 'unreachable') return [];
          const details = error instanceof ApiError ? (error.details ?? []) : [];
          const list = details.length > 0 ? details : [{ path: '', message: (error as Error).message }];
          const diagnostics = list.map((d) => ({
            ...issueRange(source, d.path, d.message),
            severity: 'error' as const,
            message: `${d.path}: ${d.message}`,
          }));
          setIssues(list.map((d, i) => ({ ...d, line: editor.state.doc.lineAt(diagnostics[i]?.from ?? 0).number })));
          return diagnostics;
        }
      },
      { delay: 400 },
    );
    const editor = new EditorView({
      doc: props.source,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        check,
        EditorView.contentAttributes.of({ 'aria-label': t('editor.label') }),
      ],
      parent: host.current as HTMLDivElement,
    });
    view.current = editor;
    return () => editor.destroy();
  }, [props.source]);

  const save = async () => {
    if (!view.current) return;
    setBusy(true);
    setStatus(undefined);
    setSaveError(undefined);
    try {
      setStatus(await props.onSave(view.current.state.doc.toString()));
    } catch (error) {
      setSaveError(error);
      forceLinting(view.current);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="editor">
      <div ref={host} className="code" />
      <div className="toolbar">
        <button type="button" onClick={() => view.current && forceLinting(view.current)}>
          {t('editor.validate')}
        </button>
        <button type="button" className="primary" onClick={save} disabled={busy}>
          {busy ? t('common.saving') : t('editor.save')}
        </button>
        {status && <span role="status">{status.message}</span>}
      </div>
      {saveError !== undefined && <ErrorNote error={saveError} />}
      {status?.notes && <JourneyWarnings notes={status.notes} />}
      <div aria-live="polite">
        {issues.length === 0 ? (
          <p className="ok">{t('editor.valid')}</p>
        ) : (
          <ul className="issues">
            {issues.map((issue) => (
              <li key={`${issue.path}:${issue.message}`}>
                {t('editor.line', { line: issue.line })} <code>{issue.path}</code> {issue.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
