/** The channels a customer can text a keyword on; consent is withdrawn or restored on that channel only. */
export type KeywordChannel = 'sms' | 'whatsapp';
export type KeywordLanguage = 'en' | 'zh';

/** STOP, START or HELP, in the language the customer used, so an answer can use it too. */
export interface OptOutKeyword {
  readonly type: 'stop' | 'start' | 'help';
  readonly language: KeywordLanguage;
}

/** Twilio's default opt-out, opt-in and help words, and the Chinese ones (TD is the usual short form of 退订). */
const WORDS: Readonly<Record<OptOutKeyword['type'], Readonly<Record<KeywordLanguage, readonly string[]>>>> = {
  stop: {
    en: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'],
    zh: ['退订', 'TD', '取消订阅'],
  },
  start: { en: ['START', 'YES', 'UNSTOP', 'OPTIN'], zh: ['订阅'] },
  help: { en: ['HELP', 'INFO'], zh: ['帮助'] },
};

const KEYWORDS = new Map(
  Object.entries(WORDS).flatMap(([type, languages]) =>
    Object.entries(languages).flatMap(([language, words]) =>
      words.map((word) => [word, { type, language } as OptOutKeyword] as const),
    ),
  ),
);

/**
 * Like Twilio, a keyword counts only as the whole message (trimmed, any case, trailing punctuation
 * ignored): "please stop calling me" is for a person to read, not an opt-out.
 */
export function optOutKeywordOf(text: string): OptOutKeyword | undefined {
  const word = text
    .trim()
    .replace(/[.!。！]+$/u, '')
    .toUpperCase();
  return KEYWORDS.get(word);
}

/** What the customer would call the messages they stop (Chinese sets a Latin word apart with spaces). */
const MESSAGES: Readonly<Record<KeywordChannel, Readonly<Record<KeywordLanguage, string>>>> = {
  sms: { en: 'text messages', zh: '短信' },
  whatsapp: { en: 'WhatsApp messages', zh: ' WhatsApp 消息' },
};

const REPLIES: Readonly<
  Record<KeywordLanguage, Readonly<Record<OptOutKeyword['type'], (messages: string) => string>>>
> = {
  en: {
    stop: (m) => `You have unsubscribed and will get no more ${m} from us. Reply START to subscribe again.`,
    start: (m) => `You are subscribed to our ${m} again. Reply STOP to unsubscribe at any time.`,
    help: (m) => `Reply STOP to stop our ${m}, START to get them again.`,
  },
  zh: {
    stop: (m) => `您已退订，将不再收到我们的${m}。回复“订阅”可重新订阅。`,
    start: (m) => `您已重新订阅我们的${m}。回复“退订”可随时退订。`,
    help: (m) => `回复“退订”停止接收${m}，回复“订阅”重新订阅。`,
  },
};

/** The answer to a keyword, in its language, naming the channel it came on. */
export function keywordReply(keyword: OptOutKeyword, channel: KeywordChannel): string {
  return REPLIES[keyword.language][keyword.type](MESSAGES[channel][keyword.language]);
}
