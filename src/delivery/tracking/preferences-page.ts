import { ALL_TOPICS, type ConsentRecord, consentStatus } from '../../profiles/consent-status.ts';
import { CHANNELS } from '../channel-choice.ts';

export type PageLanguage = 'en' | 'zh-CN';

const TEXT = {
  en: {
    title: 'Your message preferences',
    intro: 'Choose what we may send you, and where.',
    save: 'Save preferences',
    unsubscribeAll: 'Unsubscribe from all offers and newsletters',
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
    unsubscribeAll: '退订全部优惠与订阅内容',
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

/** A subscription group as the page lists it. */
export interface PageGroup {
  readonly id: string;
  readonly name: string;
  readonly channels: readonly string[];
}

export interface PreferenceToggle {
  channel: string;
  topic: string;
  on: boolean;
  /** A subscription group: on only with a stated yes (marketing in it needs consent). */
  group?: PageGroup;
}

/**
 * Every channel × topic toggle the page shows: the standard topics, the workspace's subscription
 * groups on their channels, and any other topic the customer has a choice for.
 */
export function preferenceToggles(consent: ConsentRecord, groups: readonly PageGroup[] = []): PreferenceToggle[] {
  return CHANNELS.flatMap((channel) => {
    const offered = groups.filter((g) => g.channels.includes(channel));
    const topics = [...new Set([...BASE_TOPICS, ...offered.map((g) => g.id), ...Object.keys(consent[channel] ?? {})])];
    return topics.map((topic) => {
      const group = offered.find((g) => g.id === topic);
      return { channel, topic, on: isOn(consent, { channel, topic, group }), ...(group ? { group } : {}) };
    });
  });
}

/** Without a stated choice a channel or class counts as on (the page shows what Godwit would send); a group does not. */
export function isOn(consent: ConsentRecord, toggle: Pick<PreferenceToggle, 'channel' | 'topic' | 'group'>): boolean {
  const status = consentStatus(consent, toggle.channel, toggle.topic);
  return toggle.group ? status === 'granted' : status !== 'denied';
}

/** What "unsubscribe from all" turns off: every offer and subscription group, never service or transactional messages. */
export function marketingToggles(toggles: readonly PreferenceToggle[]): PreferenceToggle[] {
  return toggles.filter((t) => t.topic === 'marketing' || t.group !== undefined);
}

export function preferencesPage(options: {
  lang: PageLanguage;
  consent: ConsentRecord;
  groups?: readonly PageGroup[];
  action: string;
  notice?: 'saved' | 'unsubscribed';
}): string {
  const t = TEXT[options.lang];
  const toggles = preferenceToggles(options.consent, options.groups);
  const sections = CHANNELS.map((channel) => {
    const rows = toggles
      .filter((toggle) => toggle.channel === channel)
      .map((toggle) => {
        const name = `${toggle.channel}:${toggle.topic}`;
        const label = toggle.group?.name ?? (t.topics as Record<string, string>)[toggle.topic] ?? toggle.topic;
        return `<label><input type="checkbox" name="${escapeHtml(name)}" value="on"${toggle.on ? ' checked' : ''}> ${escapeHtml(label)}</label>`;
      })
      .join('<br>');
    return `<fieldset><legend>${escapeHtml(t.channels[channel])}</legend>${rows}</fieldset>`;
  }).join('');
  const notice = options.notice ? `<p role="status"><strong>${escapeHtml(t[options.notice])}</strong></p>` : '';
  return `<!doctype html><html lang="${options.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(t.title)}</title><style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}fieldset{margin:0 0 1rem;border:1px solid #ccd;border-radius:6px}label{line-height:2}</style></head>
<body><h1>${escapeHtml(t.title)}</h1>${notice}<p>${escapeHtml(t.intro)}</p>
<form method="post" action="${escapeHtml(options.action)}"><input type="hidden" name="form" value="preferences">${sections}<button type="submit">${escapeHtml(t.save)}</button>
<button type="submit" name="unsubscribe" value="all">${escapeHtml(t.unsubscribeAll)}</button></form></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
