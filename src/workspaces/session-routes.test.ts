import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { ManualClock } from '../shared/clock.ts';

/** Console sessions against a real Godwit on a temporary SQLite file, over HTTP as a browser would call it. */

interface Reply {
  status: number;
  body: any;
  cookies: string[];
}

describe('console sessions', () => {
  let godwit: TestGodwit;
  before(async () => {
    godwit = await startTestGodwit();
  });
  after(() => godwit.close());

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const response = await fetch(`${godwit.url}${path}`, {
      method,
      headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.body ? JSON.stringify(options.body) : undefined,
    });
    return { status: response.status, body: await response.json(), cookies: response.headers.getSetCookie() } as Reply;
  }

  /** Signs in as the first admin; returns the Cookie header a browser would send back, and the CSRF token. */
  async function signIn(headers: Record<string, string> = {}) {
    const reply = await call('POST', '/v1/session', {
      body: { email: godwit.adminEmail, password: godwit.adminPassword },
      headers,
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const pairs = reply.cookies.map((c) => c.split(';')[0] as string);
    const csrf = pairs.find((p) => p.startsWith('godwit_csrf='))?.slice('godwit_csrf='.length) ?? '';
    return { reply, cookie: pairs.join('; '), csrf: decodeURIComponent(csrf) };
  }

  it('signs in with the first admin and serves the admin API on the session cookie', async () => {
    const { reply, cookie } = await signIn();
    assert.equal(reply.body.user.email, 'admin@godwit.local');
    assert.equal(reply.body.user.passwordHash, undefined);
    const session = reply.cookies.find((c) => c.startsWith('godwit_session='));
    assert.match(session ?? '', /HttpOnly/);
    assert.match(session ?? '', /SameSite=Lax/);
    assert.doesNotMatch(session ?? '', /Secure/, 'plain http: a Secure cookie would never come back');
    assert.doesNotMatch(reply.cookies.find((c) => c.startsWith('godwit_csrf=')) ?? '', /HttpOnly/);

    assert.equal((await call('GET', '/v1/session', { headers: { cookie } })).body.user.email, 'admin@godwit.local');
    const workspace = await call('GET', '/v1/workspace', { headers: { cookie } });
    assert.equal(workspace.status, 200);
    assert.equal(workspace.body.id, godwit.workspaceId);
    const anonymous = await call('GET', '/v1/session');
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.body.error.message, /not signed in/);
    assert.equal((await call('GET', '/v1/workspace', { headers: { cookie: 'godwit_session=%E0%A4%A' } })).status, 401);
    assert.equal((await call('GET', '/v1/workspace')).status, 401, 'no cookie, no key');
  });

  it('marks the cookies Secure behind https', async () => {
    const { reply } = await signIn({ 'x-forwarded-proto': 'https' });
    for (const cookie of reply.cookies) assert.match(cookie, /; Secure/);
  });

  it('refuses a wrong password or an unknown email with 401 and the same message', async () => {
    const wrong = await call('POST', '/v1/session', { body: { email: godwit.adminEmail, password: 'nope' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.message, 'wrong email or password');
    assert.deepEqual(wrong.cookies, []);
    const unknown = await call('POST', '/v1/session', { body: { email: 'who@example.com', password: 'nope' } });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error.message, 'wrong email or password');
    const empty = await call('POST', '/v1/session', { body: { email: godwit.adminEmail } });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.message, /body\.password/);
  });

  it('rejects a state-changing request without the right CSRF token with 403', async () => {
    const { cookie, csrf } = await signIn();
    const missing = await call('POST', '/v1/keys', { body: { type: 'write' }, headers: { cookie } });
    assert.equal(missing.status, 403);
    assert.match(missing.body.error.message, /CSRF/);
    const wrong = await call('POST', '/v1/keys', { body: { type: 'write' }, headers: { cookie, 'x-csrf-token': 'x' } });
    assert.equal(wrong.status, 403);
    const right = await call('POST', '/v1/keys', {
      body: { type: 'write' },
      headers: { cookie, 'x-csrf-token': csrf },
    });
    assert.equal(right.status, 201);
    assert.match(right.body.key, /^gw_write_/);
    const sameOrigin = { cookie, 'x-csrf-token': csrf, origin: godwit.url, 'sec-fetch-site': 'same-origin' };
    assert.equal((await call('POST', '/v1/keys', { body: { type: 'write' }, headers: sameOrigin })).status, 201);
    // A page on another port of this host can read the CSRF cookie (cookies ignore ports), so origin counts too.
    const elsewhereOrigins: Record<string, string>[] = [
      { origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' },
      { origin: 'http://evil.example' },
    ];
    for (const elsewhere of elsewhereOrigins) {
      const forged = await call('POST', '/v1/keys', {
        body: { type: 'write' },
        headers: { cookie, 'x-csrf-token': csrf, ...elsewhere },
      });
      assert.equal(forged.status, 403);
      assert.match(forged.body.error.message, /own origin/);
    }
  });

  it('remembers the language per admin and accepts only the console languages', async () => {
    const { cookie, csrf } = await signIn();
    const headers = { cookie, 'x-csrf-token': csrf };
    assert.equal((await call('PUT', '/v1/session/locale', { body: { locale: 'zh-CN' }, headers })).status, 200);
    const again = await signIn();
    assert.equal(again.reply.body.user.locale, 'zh-CN', 'a new session of the same admin');
    const bad = await call('PUT', '/v1/session/locale', { body: { locale: 'fr' }, headers });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /body\.locale/);
  });

  it('lists the team without password hashes', async () => {
    const { cookie } = await signIn();
    const team = await call('GET', '/v1/team', { headers: { cookie } });
    assert.deepEqual(
      team.body.members.map((m: { email: string; role: string; passwordHash?: string }) => [
        m.email,
        m.role,
        m.passwordHash,
      ]),
      [['admin@godwit.local', 'admin', undefined]],
    );
  });

  it('signs out: the cookies are cleared and the old session no longer works', async () => {
    const { cookie, csrf } = await signIn();
    assert.equal((await call('DELETE', '/v1/session', { headers: { cookie } })).status, 403, 'sign-out needs CSRF too');
    const out = await call('DELETE', '/v1/session', { headers: { cookie, 'x-csrf-token': csrf } });
    assert.equal(out.status, 200);
    assert.ok(out.cookies.every((c) => c.includes('Max-Age=0')));
    const after = await call('GET', '/v1/workspace', { headers: { cookie } });
    assert.equal(after.status, 401);
    assert.match(after.body.error.message, /sign in again/);
  });
});

describe('console sign-in throttle', () => {
  let godwit: TestGodwit;
  const clock = new ManualClock(Date.UTC(2026, 10, 24));
  before(async () => {
    godwit = await startTestGodwit({ clock });
  });
  after(() => godwit.close());

  const signIn = async (email: string, password: string) => {
    const response = await fetch(`${godwit.url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
  };

  it('refuses an account for 15 minutes after 5 wrong passwords, even the right one, with Retry-After', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await signIn(godwit.adminEmail, `guess-${i}`)).status, 401);
    clock.advance(60_000);
    const blocked = await signIn(godwit.adminEmail, godwit.adminPassword);
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.code, 'too_many_requests');
    assert.match(blocked.body.error.message, /try again in 14 min/);
    assert.equal(blocked.retryAfter, String(14 * 60));
    clock.advance(14 * 60_000);
    assert.equal((await signIn(godwit.adminEmail, godwit.adminPassword)).status, 200);
  });

  it('refuses a client address after 20 wrong sign-ins across accounts', async () => {
    clock.advance(60 * 60_000);
    for (let i = 0; i < 20; i++) assert.equal((await signIn(`nobody-${i}@example.com`, 'x')).status, 401);
    assert.equal((await signIn('someone-else@example.com', 'x')).status, 429);
    clock.advance(15 * 60_000);
    assert.equal((await signIn(godwit.adminEmail, godwit.adminPassword)).status, 200);
  });
});
