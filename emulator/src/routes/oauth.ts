/* OAuth: the session tokens this server issues and accepts, token refresh, revoke and userinfo. */
import { randomBytes } from 'node:crypto';
import type { Row } from '../db.js';
import type { OrgModel } from '../context.js';
import type { RouteContext } from './context.js';
import { bearer, notFound, randomToken, type Req, type Res } from './http.js';

/** The access tokens this server accepts (the first one, plus any minted by a refresh) and every one it issued. */
export class Sessions {
  public readonly accessToken: string;
  public readonly refreshToken: string;
  /** access tokens this server accepts → their user */
  private readonly tokens = new Map<string, string>();
  /** every access token ever issued, accepted or not (for the secret scan of the tests) */
  private readonly issued: string[] = [];

  public constructor(private readonly orgId: string, public readonly username: string) {
    this.refreshToken = `5Aep${randomToken(80)}`;
    this.accessToken = this.mint();
  }

  /** A new access token for the user, accepted from now on. */
  public mint(): string {
    const token = `${this.orgId.slice(0, 15)}!AQ${randomToken(96)}`;
    this.tokens.set(token, this.username);
    this.issued.push(token);
    return token;
  }

  /** The user of an accepted access token. */
  public userOf(token: string | undefined): string | undefined {
    return token ? this.tokens.get(token) : undefined;
  }

  /** Every access token issued so far and the refresh token — what must never appear in any output. */
  public issuedTokens(): { username: string; accessToken: string; refreshToken: string; accessTokens: string[] } {
    return { username: this.username, accessToken: this.accessToken, refreshToken: this.refreshToken, accessTokens: [...this.issued] };
  }

  /** Stop accepting every access token issued so far (a session timeout); the refresh token stays valid. */
  public expireAll(): void {
    this.tokens.clear();
  }
}

const userRow = (model: OrgModel, username: string): Row | undefined => {
  const users = model.db.table('User');
  if (!users) return undefined;
  return model.db.lookup(users, 'Username', username)[0];
};

/* eslint-disable camelcase -- Salesforce's names: the OAuth token and userinfo responses are snake_case on the wire */
const userinfo = (ctx: RouteContext, username: string): Record<string, unknown> => {
  const u = userRow(ctx.model, username) ?? {};
  const orgId = ctx.model.db.orgId;
  const userId = String(u.Id ?? '');
  const base = ctx.instanceUrl;
  return {
    sub: `${base}/id/${orgId}/${userId}`,
    user_id: userId,
    organization_id: orgId,
    preferred_username: u.Username,
    nickname: u.CommunityNickname,
    name: u.Name,
    email: u.Email,
    email_verified: true,
    given_name: u.FirstName,
    family_name: u.LastName,
    zoneinfo: u.TimeZoneSidKey,
    locale: u.LocaleSidKey,
    language: u.LanguageLocaleKey,
    active: u.IsActive,
    user_type: 'STANDARD',
    is_app_installed: true,
    urls: {
      enterprise: `${base}/services/Soap/c/{version}/${orgId}`,
      metadata: `${base}/services/Soap/m/{version}/${orgId}`,
      partner: `${base}/services/Soap/u/{version}/${orgId}`,
      rest: `${base}/services/data/v{version}/`,
      sobjects: `${base}/services/data/v{version}/sobjects/`,
      query: `${base}/services/data/v{version}/query/`,
      tooling_rest: `${base}/services/data/v{version}/tooling/`,
      profile: `${base}/${userId}`,
    },
    updated_at: '2024-01-15T10:00:00Z',
  };
};

/** /services/oauth2/*: userinfo, token (refresh_token grant), revoke. */
export const oauth = (ctx: RouteContext, req: Req): Res => {
  const { path, method } = req;
  if (path === '/services/oauth2/userinfo') {
    const username = ctx.sessions.userOf(bearer(req.headers));
    if (!username) return { status: 403, text: 'Bad_OAuth_Token', contentType: 'text/plain' };
    return { status: 200, json: userinfo(ctx, username) };
  }
  if (path === '/services/oauth2/token' && method === 'POST') {
    const form = new URLSearchParams(req.body.toString('utf8'));
    if (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === ctx.sessions.refreshToken) {
      const fresh = ctx.sessions.mint();
      const user = userRow(ctx.model, ctx.sessions.username);
      return {
        status: 200,
        json: {
          access_token: fresh,
          instance_url: ctx.instanceUrl,
          id: `${ctx.instanceUrl}/id/${ctx.model.db.orgId}/${String(user?.Id ?? '')}`,
          token_type: 'Bearer',
          issued_at: String(Date.now()),
          scope: 'api refresh_token id',
          signature: randomBytes(32).toString('base64'),
        },
      };
    }
    return { status: 400, json: { error: 'invalid_grant', error_description: 'expired access/refresh token' } };
  }
  if (path === '/services/oauth2/revoke') return { status: 200, text: '', contentType: 'text/plain' };
  return notFound();
};
/* eslint-enable camelcase */
