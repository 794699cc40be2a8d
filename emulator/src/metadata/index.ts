/*
 * The org emulator's Metadata API: the server routes POST /services/Soap/m/{version} to
 * handleSoap and /services/data/vXX.0/metadata/deployRequest[/{id}] to handleRestDeploy.
 */
import type { MetadataContext } from './context.js';
import { handleRestDeploy as restDeploy, RestAnswer } from './rest.js';
import { handleSoap as soap, SoapAnswer } from './soap.js';

export type { MetadataContext } from './context.js';
export type { DeployJob, DeployMessage, DeployOptions, DeployResult, DeployStatus } from './deploy.js';
export { soapFault } from './soap.js';
export { metadataIpRelaxation, metadataRefreshTokenPolicy, metadataScope } from './readMetadata.js';

/** Answers one Metadata API SOAP request (the envelope text). Session checks are the server's job. */
export function handleSoap(ctx: MetadataContext, body: string, soapAction: string | undefined): Promise<SoapAnswer> {
  return soap(ctx, body, soapAction);
}

/**
 * Answers the REST deploy resource. subPath is the part after `/metadata/`, query string included
 * (`deployRequest`, `deployRequest/0Af…?includeDetails=true`). The body is JSON-serializable.
 */
export function handleRestDeploy(
  ctx: MetadataContext,
  method: string,
  subPath: string,
  contentType: string | undefined,
  body: Buffer
): Promise<RestAnswer> {
  return restDeploy(ctx, method, subPath, contentType, body);
}
