/**
 * The delivery channels, as the server's DELIVERY_CHANNELS (src/delivery/provider-registry.ts); copied
 * rather than imported because that module pulls provider code into the bundle.
 */
export const CHANNELS = ['email', 'sms', 'whatsapp', 'voice', 'push', 'in_app', 'webhook'] as const;
