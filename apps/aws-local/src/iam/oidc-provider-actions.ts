import type { Backend } from '../backend';
import { AwsError, noSuchEntity } from '../errors';
import { parseIssuerUrl } from '../oidc/issuer-url';
import { listParam } from '../query-context';
import type { QueryContext } from '../query-context';
import { ConstraintCollector } from '../validation';
import { oidcProviderArn } from '../world/iam-world';
import type { OidcProvider } from '../world/iam-entities';
import { awsTimestamp, el, memberList, wrap } from '../xml';
import { tagsXml } from './iam-xml';

// IAM quotas per OIDC provider.
const CLIENT_IDS_PER_PROVIDER = 100;
const THUMBPRINTS_PER_PROVIDER = 5;
const TAG_PATTERN = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]';

const invalidInput = (message: string): AwsError => new AwsError('InvalidInput', message, 400);

function readTags(c: ConstraintCollector, params: Map<string, string>): Record<string, string> {
  const keys = listParam(params, 'Tags', 'Key') ?? [];
  c.listLength(keys, 'tags', 50);
  const tags: Record<string, string> = {};
  keys.forEach((key, i) => {
    const value = params.get(`Tags.member.${i + 1}.Value`) ?? '';
    c.length(key, `tags.${i + 1}.member.key`, 1, 128);
    c.pattern(key, `tags.${i + 1}.member.key`, `${TAG_PATTERN}+`, 'u');
    c.length(value, `tags.${i + 1}.member.value`, 0, 256);
    c.pattern(value, `tags.${i + 1}.member.value`, `${TAG_PATTERN}*`, 'u');
    tags[key] = value;
  });
  return tags;
}

function readArn(ctx: QueryContext): string {
  const arn = ctx.params.get('OpenIDConnectProviderArn');
  const c = new ConstraintCollector();
  if (c.required(arn, 'openIDConnectProviderArn')) c.length(arn, 'openIDConnectProviderArn', 20, 2048);
  c.throwIfAny();
  return arn as string;
}

/** A provider of the caller's account, or NoSuchEntity as IAM words it. */
function requireProvider(backend: Backend, ctx: QueryContext, arn: string): OidcProvider {
  const provider = backend.world.getOidcProvider(arn);
  if (!provider || provider.account !== ctx.principal.account)
    throw noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
  return provider;
}

/** The resource an OIDC provider action is authorized against: the provider's ARN (`*` for the listing). */
export function oidcProviderResource(ctx: QueryContext): string {
  if (ctx.action === 'ListOpenIDConnectProviders') return '*';
  if (ctx.action !== 'CreateOpenIDConnectProvider') return ctx.params.get('OpenIDConnectProviderArn') ?? '*';
  const parsed = parseIssuerUrl(ctx.params.get('Url') ?? '');
  return oidcProviderArn(ctx.principal.account, 'error' in parsed ? (ctx.params.get('Url') ?? '') : parsed.key);
}

export function createOpenIDConnectProvider(backend: Backend, ctx: QueryContext): string {
  const p = ctx.params;
  const url = p.get('Url');
  const clientIds = listParam(p, 'ClientIDList') ?? [];
  const thumbprints = listParam(p, 'ThumbprintList') ?? [];
  const c = new ConstraintCollector();
  if (c.required(url, 'url')) c.length(url, 'url', 1, 255);
  clientIds.forEach((id, i) => c.length(id, `clientIDList.${i + 1}.member`, 1, 255));
  thumbprints.forEach((t, i) => c.length(t, `thumbprintList.${i + 1}.member`, 40, 40));
  const tags = readTags(c, p);
  c.throwIfAny();
  const parsed = parseIssuerUrl(url as string);
  if ('error' in parsed) throw invalidInput(parsed.error);
  if (clientIds.length > CLIENT_IDS_PER_PROVIDER) {
    throw new AwsError(
      'LimitExceeded',
      `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_PER_PROVIDER}`,
      409,
    );
  }
  if (thumbprints.length > THUMBPRINTS_PER_PROVIDER) {
    throw new AwsError(
      'LimitExceeded',
      `Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: ${THUMBPRINTS_PER_PROVIDER}`,
      409,
    );
  }
  const account = ctx.principal.account;
  if (backend.world.getOidcProvider(oidcProviderArn(account, parsed.key))) {
    throw new AwsError('EntityAlreadyExists', `Provider with url ${parsed.url} already exists.`, 409);
  }
  const provider = backend.world.putOidcProvider({
    account,
    url: parsed.url,
    key: parsed.key,
    clientIds: [...new Set(clientIds)],
    thumbprints: [...new Set(thumbprints.map((t) => t.toLowerCase()))],
    tags,
  });
  return el('OpenIDConnectProviderArn', provider.arn) + tagsXml(provider.tags);
}

export function getOpenIDConnectProvider(backend: Backend, ctx: QueryContext): string {
  const provider = requireProvider(backend, ctx, readArn(ctx));
  // IAM reports the URL without its scheme.
  return (
    el('Url', provider.key) +
    memberList('ClientIDList', provider.clientIds) +
    memberList('ThumbprintList', provider.thumbprints) +
    el('CreateDate', awsTimestamp(provider.createDate)) +
    tagsXml(provider.tags)
  );
}

export function listOpenIDConnectProviders(backend: Backend, ctx: QueryContext): string {
  const entries = backend.world.listOidcProviders(ctx.principal.account).map((p) => wrap('member', el('Arn', p.arn)));
  return wrap('OpenIDConnectProviderList', entries.join(''));
}

export function deleteOpenIDConnectProvider(backend: Backend, ctx: QueryContext): null {
  const provider = requireProvider(backend, ctx, readArn(ctx));
  backend.world.deleteOidcProvider(provider.arn);
  return null;
}
