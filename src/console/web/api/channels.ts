/**
 * The delivery channels, as the server's DELIVERY_CHANNELS (src/delivery/provider-registry.ts); copied
 * rather than imported because that module pulls provider code into the bundle.
 */
export const CHANNELS = ['email', 'sms', 'whatsapp', 'voice', 'push', 'in_app', 'webhook'] as const;

/** The channels with addresses to suppress, as the server's SUPPRESSIBLE_CHANNELS (suppression-service.ts). */
export const SUPPRESSIBLE_CHANNELS = ['email', 'sms', 'whatsapp', 'push', 'voice'] as const;

/** The channels consent is kept for, as the server's CHANNELS (delivery/channel-choice.ts), which the consent route takes. */
export const CONSENT_CHANNELS = ['email', 'sms', 'whatsapp', 'voice', 'push', 'in_app'] as const;

/** Topics consent has without a subscription group: the whole channel and the message classes (RESERVED_TOPICS). */
export const CONSENT_TOPICS = ['all', 'marketing', 'service', 'transactional'] as const;
