import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AwsLocalCore } from '../core';
import { readBody, sendJson } from '../http-io';

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req);
  const value: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('body must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * Unsigned control endpoints under `/_aws-local/` for tests, the demo and the bench: faults,
 * counters, the IAM world, and a diagnostic authorization check.
 */
export async function handleAdmin(
  core: AwsLocalCore,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const route = `${req.method} ${path.slice('/_aws-local'.length)}`;
  try {
    if (route === 'GET /health') {
      // CPU time of the aws-local process lets the bench report server cost per call apart from the client's.
      const cpu = process.cpuUsage();
      return sendJson(res, 200, {
        status: 'ok',
        cpuMicros: cpu.user + cpu.system,
        sessions: core.backend.sessions.size,
      });
    }
    if (route === 'GET /faults') return sendJson(res, 200, core.faults.get());
    if (route === 'PUT /faults') return sendJson(res, 200, core.faults.set(await jsonBody(req)));
    if (route === 'GET /counters') return sendJson(res, 200, core.counters.snapshot());
    if (route === 'GET /counters/faulted') return sendJson(res, 200, core.counters.faultedSnapshot());
    if (route === 'GET /counters/times') {
      const action = query.get('action');
      if (!action)
        return sendJson(res, 400, { error: 'BadRequest', message: 'action is required, e.g. ?action=sts:AssumeRole' });
      return sendJson(res, 200, { action, times: core.counters.callTimes(action) });
    }
    if (route === 'POST /counters/reset') {
      core.counters.reset();
      return sendJson(res, 200, {});
    }
    if (route === 'GET /iam/roles') return sendJson(res, 200, core.listRoles());
    const roleMatch = /^GET \/iam\/roles\/([^/]+)$/.exec(route);
    if (roleMatch) {
      const role = core.getRole(decodeURIComponent(roleMatch[1]), query.get('account') ?? undefined);
      return role
        ? sendJson(res, 200, role)
        : sendJson(res, 404, { error: 'NoSuchEntity', message: `No role ${roleMatch[1]}` });
    }
    if (route === 'POST /authorize') {
      const b = await jsonBody(req);
      if (typeof b.accessKeyId !== 'string' || typeof b.action !== 'string' || typeof b.resource !== 'string') {
        return sendJson(res, 400, {
          error: 'BadRequest',
          message: 'accessKeyId, action and resource are required strings',
        });
      }
      const region = typeof b.region === 'string' ? b.region : undefined;
      const context = (b.context ?? undefined) as Record<string, string | string[]> | undefined;
      const result = core.diagnose(b.accessKeyId, b.action, b.resource, region, context);
      return result
        ? sendJson(res, 200, result)
        : sendJson(res, 404, { error: 'UnknownAccessKey', message: `No credentials ${b.accessKeyId}` });
    }
    return sendJson(res, 404, { error: 'NotFound', message: `No admin endpoint ${route}` });
  } catch (e) {
    return sendJson(res, 400, { error: 'BadRequest', message: e instanceof Error ? e.message : String(e) });
  }
}
