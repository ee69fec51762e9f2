/**
 * How many SMS segments a text takes. Texts in the GSM 03.38 alphabet are sent as 7-bit
 * characters (160 in one message, 153 per part once split, the rest carries the join header);
 * anything else (Chinese, most emoji) switches the whole message to UCS-2 (70, then 67 per part).
 */

export interface SmsSegments {
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7 (an extension character counts twice), UTF-16 code units for UCS-2. */
  readonly units: number;
  readonly segments: number;
}

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Sent as an escape plus a character: two septets each. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export function smsSegments(text: string): SmsSegments {
  let septets = 0;
  for (const char of text) {
    if (basic.has(char)) septets += 1;
    else if (extension.has(char)) septets += 2;
    else return sized('UCS-2', text.length, 70, 67);
  }
  return sized('GSM-7', septets, 160, 153);
}

function sized(encoding: SmsSegments['encoding'], units: number, single: number, part: number): SmsSegments {
  const segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / part);
  return { encoding, units, segments };
}
