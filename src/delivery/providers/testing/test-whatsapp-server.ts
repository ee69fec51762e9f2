import { type RecordedRequest, startFakeProviderServer } from './fake-provider-server.ts';

/** The Cloud API's documented error body. */
const error = (status: number, code: number, message: string) => ({
  status,
  body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam' } },
});

/**
 * A local server speaking the WhatsApp Cloud API's `POST /v21.0/{phone-number-id}/messages`: bearer
 * token, JSON body, `{ messaging_product, contacts, messages: [{ id }] }` back. It answers a wrong
 * token 401 (190), a text without a body 400 (100), and by recipient a missing template (15005550001,
 * 132001), a rate limit (15005550002, 130429) and an outage (15005550003, 500 with 131016).
 */
export async function startTestWhatsAppServer(options: { token: string; phoneNumberId: string }) {
  let sent = 0;
  const server = await startFakeProviderServer((request) => {
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      return error(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    if (request.method !== 'POST' || request.path !== `/v21.0/${options.phoneNumberId}/messages`) {
      return error(400, 100, 'Unsupported post request');
    }
    const body = JSON.parse(request.body) as { to: string; type: string; text?: { body?: string } };
    if (body.type === 'text' && !body.text?.body) return error(400, 100, 'Invalid parameter');
    if (body.to === '15005550001') return error(400, 132001, 'Template name does not exist in the translation');
    if (body.to === '15005550002') return error(400, 130429, 'Rate limit hit');
    if (body.to === '15005550003')
      return { status: 500, body: { error: { message: 'Service unavailable', code: 131016 } } };
    sent += 1;
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: `wamid.out${sent}` }],
      },
    };
  });
  return {
    ...server,
    /** The Cloud API base URL to configure (GODWIT_WHATSAPP_BASE_URL). */
    baseUrl: `${server.url}/v21.0`,
    /** Every request's JSON body, in order. */
    bodies: () => server.requests.map((r: RecordedRequest) => JSON.parse(r.body) as Record<string, unknown>),
  };
}
