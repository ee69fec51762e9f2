import type { ClaimedMessage } from '../storage/delivery-store.ts';
import type { MessageRenderer, RenderCustomer, RenderResult } from './message-renderer.ts';
import type { MessageContent } from './provider.ts';

/**
 * The renderer used until templates are wired in: the template's name becomes the subject or
 * title and its data, as `name: value` lines, the body. Replace it in the composition root.
 */
export class PlainRenderer implements MessageRenderer {
  async render(entry: ClaimedMessage, _customer: RenderCustomer): Promise<RenderResult> {
    const template = typeof entry.payload.template === 'string' ? entry.payload.template : 'message';
    const data = (entry.payload.data ?? {}) as Record<string, unknown>;
    const lines = Object.entries(data).map(
      ([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
    );
    const text = lines.length > 0 ? `${template}\n\n${lines.join('\n')}` : template;
    const content = plainContent(entry.channel, template, text);
    return content ? { content } : { error: `the plain renderer cannot render for channel ${entry.channel}` };
  }
}

function plainContent(channel: string | null, title: string, text: string): MessageContent | undefined {
  switch (channel) {
    case 'email':
      return { channel, subject: title, text, html: `<pre>${escapeHtml(text)}</pre>` };
    case 'sms':
      return { channel, text };
    case 'voice':
      return { channel, say: text, language: 'en-US' };
    case 'whatsapp':
      return { channel, template: title, language: 'en', parameters: [] };
    case 'push':
      return { channel, title, body: text };
    case 'in_app':
      return { channel, title, body: text, actions: [] };
    default:
      return undefined;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
