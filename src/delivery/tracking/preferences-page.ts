import { ALL_TOPICS, type ConsentRecord, consentStatus } from '../../profiles/consent-status.ts';
import { CHANNELS } from '../channel-choice.ts';

export type PageLanguage = 'en' | 'zh-CN';

const TEXT = {
  en: {
    title: 'Your message preferences',
    intro: 'Choose what we may send you, and where.',
    save: 'Save preferences',
    saved: 'Saved. Your choices apply from now on.',
    unsubscribed: 'You are unsubscribed',
    topics: { all: 'Everything on this channel', marketing: 'Offers and news', service: 'Service updates' },
    channels: {
      email: 'Email',
      sms: 'SMS',
      whatsapp: 'WhatsApp',
      voice: 'Phone calls',
      push: 'Push notifications',
      in_app: 'In-app messages',
    },
  },
  'zh-CN': {
    title: '消息偏好设置',
    intro: '请选择我们可以通过哪些渠道向您发送哪些消息。',
    save: '保存设置',
    saved: '已保存，您的选择即刻生效。',
    unsubscribed: '您已退订',
    topics: { all: '此渠道的全部消息', marketing: '优惠与资讯', service: '服务通知' },
    channels: {
      email: '电子邮件',
      sms: '短信',
      whatsapp: 'WhatsApp',
      voice: '电话',
      push: '推送通知',
      in_app: '应用内消息',
    },
  },
} as const;

const BASE_TOPICS = [ALL_TOPICS, 'marketing', 'service'];

/** English unless the reader prefers Chinese over English (by q-value, then order). */
export function pageLanguage(acceptLanguage: string | undefined): PageLanguage {
  let best: { lang: PageLanguage; q: number } | undefined;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1);
    const lang = tag.startsWith('zh') ? 'zh-CN' : tag.startsWith('en') ? 'en' : undefined;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'en';
}

/** Every channel × topic toggle the page shows: the standard topics plus any the customer has a choice for. */
export function preferenceToggles(consent: ConsentRecord): { channel: string; topic: string; on: boolean }[] {
  return CHANNELS.flatMap((channel) => {
    const topics = [...new Set([...BASE_TOPICS, ...Object.keys(consent[channel] ?? {})])];
    // Without a stated choice a channel counts as on: the page shows what Godwit would send.
    return topics.map((topic) => ({ channel, topic, on: consentStatus(consent, channel, topic) !== 'denied' }));
  });
}

export function preferencesPage(options: {
  lang: PageLanguage;
  consent: ConsentRecord;
  action: string;
  notice?: 'saved' | 'unsubscribed';
}): string {
  const t = TEXT[options.lang];
  const toggles = preferenceToggles(options.consent);
  const sections = CHANNELS.map((channel) => {
    const rows = toggles
      .filter((toggle) => toggle.channel === channel)
      .map((toggle) => {
        const name = `${toggle.channel}:${toggle.topic}`;
        const label = (t.topics as Record<string, string>)[toggle.topic] ?? toggle.topic;
        return `<label><input type="checkbox" name="${escapeHtml(name)}" value="on"${toggle.on ? ' checked' : ''}> ${escapeHtml(label)}</label>`;
      })
      .join('<br>');
    return `<fieldset><legend>${escapeHtml(t.channels[channel])}</legend>${rows}</fieldset>`;
  }).join('');
  const notice = options.notice ? `<p role="status"><strong>${escapeHtml(t[options.notice])}</strong></p>` : '';
  return `<!doctype html><html lang="${options.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(t.title)}</title><style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}fieldset{margin:0 0 1rem;border:1px solid #ccd;border-radius:6px}label{line-height:2}</style></head>
<body><h1>${escapeHtml(t.title)}</h1>${notice}<p>${escapeHtml(t.intro)}</p>
<form method="post" action="${escapeHtml(options.action)}"><input type="hidden" name="form" value="preferences">${sections}<button type="submit">${escapeHtml(t.save)}</button></form></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
