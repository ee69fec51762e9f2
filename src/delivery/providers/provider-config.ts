import { z } from 'zod';

/**
 * Provider credentials read from configuration (environment or godwit.config.json). A provider is
 * on when its first variable is set; then the rest it needs must be set too.
 */
export const providerConfigShape = {
  /** The address providers reach Godwit at; status callbacks and signature checks use it. */
  GODWIT_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/]+/, 'must be an http:// or https:// URL such as https://godwit.example.com')
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  GODWIT_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]+/, 'must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.com:587')
    .optional(),
  GODWIT_SMTP_FROM: z
    .string()
    .regex(/@/, 'must be an email address, optionally with a name: Acme <hi@acme.example>')
    .optional(),
  GODWIT_SMTP_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(5),
  GODWIT_TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID: AC followed by 32 hex digits')
    .optional(),
  GODWIT_TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  GODWIT_TWILIO_FROM: z
    .string()
    .regex(
      /^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/,
      'must be an E.164 number (+14155550100) or a Messaging Service SID (MG…)',
    )
    .optional(),
  GODWIT_TWILIO_BASE_URL: z
    .string()
    .regex(/^https?:\/\//, 'must be an http(s) URL')
    .default('https://api.twilio.com'),
  /** `true` when the Twilio-compatible API dedupes sends by I-Twilio-Idempotency-Token (off: unsure sends are possibly sent). */
  GODWIT_TWILIO_IDEMPOTENT: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  GODWIT_WHATSAPP_TOKEN: z.string().min(1).optional(),
  GODWIT_WHATSAPP_PHONE_NUMBER_ID: z
    .string()
    .regex(/^\d+$/, 'must be the numeric phone number id from the WhatsApp Manager')
    .optional(),
  GODWIT_WHATSAPP_APP_SECRET: z.string().min(1).optional(),
  GODWIT_WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  GODWIT_WHATSAPP_BASE_URL: z
    .string()
    .regex(/^https?:\/\//, 'must be an http(s) URL')
    .default('https://graph.facebook.com/v21.0'),
  /** Email gets `Reply-To: reply+<token>@<this domain>`; its MX must lead to the inbound listener. */
  GODWIT_INBOUND_DOMAIN: z
    .string()
    .regex(/^(localhost|([a-z0-9-]+\.)+[a-z]{2,})$/i, 'must be a domain name such as reply.acme.example')
    .transform((domain) => domain.toLowerCase())
    .optional(),
  /** The inbound SMTP listener for replies, bounce reports and complaints; off unless set (0: any free port). */
  GODWIT_INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65_535, 'must be a port number').optional(),
};

type ProviderConfig = {
  [K in keyof typeof providerConfigShape]: z.infer<(typeof providerConfigShape)[K]>;
};

const groups: readonly { readonly on: keyof ProviderConfig; readonly needs: readonly (keyof ProviderConfig)[] }[] = [
  { on: 'GODWIT_SMTP_URL', needs: ['GODWIT_SMTP_FROM'] },
  { on: 'GODWIT_INBOUND_SMTP_PORT', needs: ['GODWIT_INBOUND_DOMAIN'] },
  { on: 'GODWIT_TWILIO_ACCOUNT_SID', needs: ['GODWIT_TWILIO_AUTH_TOKEN', 'GODWIT_TWILIO_FROM'] },
  {
    on: 'GODWIT_WHATSAPP_TOKEN',
    needs: ['GODWIT_WHATSAPP_PHONE_NUMBER_ID', 'GODWIT_WHATSAPP_APP_SECRET', 'GODWIT_WHATSAPP_VERIFY_TOKEN'],
  },
];

/** The cross-variable rule, as a zod check: each issue names the missing variable. */
export function checkProviderConfig(config: Partial<ProviderConfig>, context: z.RefinementCtx): void {
  for (const group of groups) {
    if (config[group.on] === undefined) continue;
    for (const name of group.needs) {
      if (config[name] === undefined) {
        context.addIssue({ code: 'custom', path: [name], message: `required when ${group.on} is set` });
      }
    }
  }
}
