/**
 * The reserved SMS keywords. Twilio's own opt-out handling answers STOP, START and HELP in English
 * (carriers require it), so Godwit only records the consent for those and answers the Chinese ones.
 */
export type SmsKeyword =
  | { readonly type: 'stop'; readonly reply?: string }
  | { readonly type: 'start'; readonly reply?: string }
  | { readonly type: 'help'; readonly reply?: string }
  | { readonly type: 'none' };

const STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const START = new Set(['START', 'YES', 'UNSTOP', 'OPTIN']);
const HELP = new Set(['HELP', 'INFO']);

/** Like Twilio, a keyword counts only as the whole message (trimmed, any case, trailing punctuation ignored). */
export function smsKeywordOf(text: string): SmsKeyword {
  const word = text
    .trim()
    .replace(/[.!。！]+$/u, '')
    .toUpperCase();
  if (STOP.has(word)) return { type: 'stop' };
  if (START.has(word)) return { type: 'start' };
  if (HELP.has(word)) return { type: 'help' };
  if (word === '退订' || word === 'TD' || word === '取消订阅') {
    return { type: 'stop', reply: '您已退订，将不再收到我们的短信。回复“订阅”可重新订阅。' };
  }
  if (word === '订阅') return { type: 'start', reply: '您已重新订阅我们的短信。回复“退订”可随时退订。' };
  if (word === '帮助') return { type: 'help', reply: '回复“退订”停止接收短信，回复“订阅”重新订阅。' };
  return { type: 'none' };
}
