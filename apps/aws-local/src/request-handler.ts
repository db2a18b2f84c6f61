import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdmin } from './admin/admin-handler';
import type { AwsLocalCore } from './core';
import { AwsError } from './errors';
import { handleConsole, handleFederation } from './federation/federation-handler';
import { parseQuery, readBody, send } from './http-io';
import { handleIam } from './iam/iam-handler';
import { IAM_NAMESPACE } from './iam/iam-xml';
import { requestId as newRequestId } from './ids';
import { resolveS3Operation } from './s3/s3-operation';
import { handleS3 } from './s3/s3-handler';
import { AuthFailure, authFailureToError } from './sigv4/auth-failure';
import { parseAuthorization } from './sigv4/authorization-header';
import { handleSts, handleUnsignedSts, isUnsignedStsAction } from './sts/sts-handler';
import { STS_NAMESPACE } from './sts/sts-xml';
import { queryError, queryResponse, s3Error } from './xml';

const QUERY_NAMESPACES: Record<string, string> = { sts: STS_NAMESPACE, iam: IAM_NAMESPACE };
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function toAwsError(e: unknown, service: string): AwsError {
  if (e instanceof AwsError) return e;
  if (e instanceof AuthFailure) return authFailureToError(e, service);
  console.error('aws-local: internal error', e);
  return service === 's3'
    ? new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500, 'Receiver')
    : new AwsError('InternalFailure', 'An internal error occurred.', 500, 'Receiver');
}

/** Counts the call, applies injected latency, and returns the injected error to answer, if any. */
async function runWithFaults(
  core: AwsLocalCore,
  service: string,
  action: string,
  roleSessionName?: string,
): Promise<AwsError | null> {
  const name = `${service}:${action}`;
  core.counters.count(name);
  const latency = core.faults.latencyFor(service, action);
  if (latency > 0) await delay(latency);
  const fault = core.faults.draw(service, action, roleSessionName);
  if (!fault) return null;
  core.counters.countFaulted(name);
  return fault.error;
}

/**
 * One endpoint for every service: the SigV4 credential scope names the service. STS and IAM speak
 * the Query protocol, S3 path-style REST-XML; federation, console and admin paths are unsigned, and so
 * is AssumeRoleWithWebIdentity (an unsigned POST / is STS).
 */
export function createRequestHandler(core: AwsLocalCore) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    const origin = `http://${req.headers.host ?? 'localhost'}`;
    if (path.startsWith('/_aws-local/')) return handleAdmin(core, req, res, path, new URLSearchParams(rawQuery));
    if (path === '/federation' || path === '/console') {
      const params = new URLSearchParams(rawQuery);
      const reply =
        path === '/federation'
          ? handleFederation(core.backend, core.signin, params, origin)
          : handleConsole(core.backend, core.signin, params);
      return send(res, reply.status, reply.headers, reply.body);
    }
    const requestId = newRequestId();
    const now = core.clock.now();
    const auth = parseAuthorization(req.headers.authorization);
    const body = await readBody(req);
    const query = parseQuery(rawQuery);
    const service = auth?.service ?? (path === '/' && req.method === 'POST' ? 'sts' : 's3');
    const common = { date: now.toUTCString() };

    if (service === 'sts' || service === 'iam') {
      const namespace = QUERY_NAMESPACES[service];
      const params = new Map<string, string>(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
      const action = params.get('Action') ?? '';
      const headers = { ...common, 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
      try {
        const fault = await runWithFaults(core, service, action, params.get('RoleSessionName'));
        if (fault) throw fault;
        if (service === 'sts' && isUnsignedStsAction(action)) {
          const unsigned = { action, params, region: auth?.region ?? 'us-east-1', requestId };
          return send(
            res,
            200,
            headers,
            queryResponse(action, namespace, await handleUnsignedSts(core.backend, unsigned), requestId),
          );
        }
        if (!auth) throw new AuthFailure(req.headers.authorization ? 'malformed' : 'missing');
        const principal = await core.verifier.verify(
          { method: req.method ?? 'POST', path, query, headers: req.headers, body },
          auth,
        );
        const ctx = { action, params, principal, region: auth.region, requestId };
        const resultXml = service === 'sts' ? handleSts(core.backend, ctx) : handleIam(core.backend, ctx);
        return send(res, 200, headers, queryResponse(action, namespace, resultXml, requestId));
      } catch (e) {
        const err = toAwsError(e, service);
        return send(res, err.status, headers, queryError(namespace, err, requestId));
      }
    }
    if (service === 's3') {
      const method = req.method ?? 'GET';
      const op = resolveS3Operation(method, path, query);
      const headers = {
        ...common,
        'content-type': 'application/xml',
        'x-amz-request-id': requestId,
        'x-amz-id-2': requestId,
      };
      try {
        const fault = await runWithFaults(core, 's3', op.name);
        if (fault) throw fault;
        if (!auth) throw new AuthFailure(req.headers.authorization ? 'malformed' : 'missing');
        const principal = await core.verifier.verify({ method, path, query, headers: req.headers, body }, auth);
        const reply = handleS3(core.backend, principal, op, query, auth.region);
        return send(res, reply.status, headers, method === 'HEAD' ? '' : reply.body);
      } catch (e) {
        const err = toAwsError(e, 's3');
        return send(res, err.status, headers, method === 'HEAD' ? '' : s3Error(err, requestId, path));
      }
    }
    const err = new AwsError('UnknownService', `aws-local does not serve the service '${service}'.`, 400);
    return send(res, 400, { ...common, 'content-type': 'text/xml' }, queryError(STS_NAMESPACE, err, requestId));
  };
}
