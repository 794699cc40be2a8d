/* The Metadata API: SOAP (/services/Soap/m/VERSION) and REST deploy (…/metadata/deployRequest), served by ../metadata/ when built. */
import type { MetadataContext } from '../context.js';
import { notFound, sfError, soapFault, type Req, type Res } from './http.js';

type MetadataModule = {
  handleSoap(ctx: MetadataContext, body: string, soapAction: string | undefined): Promise<{ status: number; body: string }>;
  handleRestDeploy(
    ctx: MetadataContext,
    method: string,
    subPath: string,
    contentType: string | undefined,
    body: Buffer
  ): Promise<{ status: number; body: unknown }>;
};

export class MetadataRoutes {
  private module: Promise<MetadataModule | undefined> | undefined;

  public constructor(private readonly ctx: MetadataContext) {}

  public async soap(req: Req): Promise<Res> {
    if (!/^\/services\/Soap\/m\/\d+\.\d+/.test(req.path) || req.method !== 'POST')
      return soapFault('sf:UNKNOWN_EXCEPTION', 'Only the Metadata API (/services/Soap/m/VERSION) is served by this emulator');
    const mod = await this.load();
    if (!mod) return soapFault('sf:UNKNOWN_EXCEPTION', 'The Metadata API is not available in this emulator build');
    const action = req.headers.soapaction;
    const out = await mod.handleSoap(this.ctx, req.body.toString('utf8'), Array.isArray(action) ? action[0] : action);
    return { status: out.status, text: out.body, contentType: 'text/xml;charset=UTF-8' };
  }

  public async restDeploy(req: Req, subPath: string): Promise<Res> {
    if (!subPath.startsWith('deployRequest')) return notFound();
    const mod = await this.load();
    if (!mod) return sfError(501, 'NOT_IMPLEMENTED', 'The Metadata API is not available in this emulator build');
    const ct = req.headers['content-type'];
    const search = req.query.toString();
    const out = await mod.handleRestDeploy(this.ctx, req.method, search ? `${subPath}?${search}` : subPath, ct, req.body);
    return { status: out.status, json: out.body };
  }

  private load(): Promise<MetadataModule | undefined> {
    if (!this.module) {
      const specifier = '../metadata/index.js';
      this.module = (import(specifier) as Promise<MetadataModule>).then(
        (m) => (typeof m.handleSoap === 'function' ? m : undefined),
        () => undefined
      );
    }
    return this.module;
  }
}
