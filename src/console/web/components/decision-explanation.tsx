import { useI18n } from '../i18n/i18n.tsx';
import { type DecisionExplanation, explainDecision } from './decision-words.ts';

/** What the decision engine did with a message, and each reason, in the admin's language. */
export function DecisionView(props: { decision: DecisionExplanation }) {
  const i18n = useI18n();
  const words = explainDecision(i18n, props.decision);
  return (
    <div className="decision">
      <p>
        <strong>{words.headline}</strong>
      </p>
      {words.reasons.length > 0 && (
        <ul>
          {words.reasons.map((reason) => (
            <li key={`${reason.text}\n${reason.detail ?? ''}`}>
              {reason.text}
              {reason.detail && (
                <>
                  {' '}
                  <span lang="en">{reason.detail}</span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
