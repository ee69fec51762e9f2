import type { AriaLabelConfig } from '@xyflow/react';
import type { I18n } from '../i18n/i18n.tsx';

/**
 * React Flow's own words (zoom buttons, the hint read with a focused node) in the admin's language.
 * Nodes cannot be moved, selected to any end or deleted here, so their hint says what they show.
 */
export function graphAriaLabels(t: I18n['t']): Partial<AriaLabelConfig> {
  return {
    'controls.ariaLabel': t('graph.controls'),
    'controls.zoomIn.ariaLabel': t('graph.zoomIn'),
    'controls.zoomOut.ariaLabel': t('graph.zoomOut'),
    'controls.fitView.ariaLabel': t('graph.fitView'),
    'node.a11yDescription.default': t('journey.nodeHint'),
    'node.a11yDescription.keyboardDisabled': t('journey.nodeHint'),
  };
}
