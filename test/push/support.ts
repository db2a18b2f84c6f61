import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { PrismaClient } from '@labkeys/database';

const suffix = () => randomBytes(4).toString('hex');

/** A running lab (with its course, connection and template) in an existing tenant, so its owner token can stream it. */
export async function createLabInTenant(prisma: PrismaClient, tenantId: string): Promise<{ labId: string }> {
  const connection = await prisma.awsConnection.create({
    data: {
      tenantId,
      name: `conn-${suffix()}`,
      accountId: '123456789012',
      region: 'us-east-1',
      externalId: `ext-${suffix()}`,
    },
  });
  const course = await prisma.course.create({ data: { tenantId, code: `C${suffix()}`, title: 'Cloud Basics' } });
  const template = await prisma.roleTemplate.create({
    data: {
      tenantId,
      connectionId: connection.id,
      name: `tpl-${suffix()}`,
      roleArn: 'arn:aws:iam::123456789012:role/LabKeysStudent',
      durationSeconds: 3600,
    },
  });
  const lab = await prisma.lab.create({
    data: {
      tenantId,
      courseId: course.id,
      templateId: template.id,
      name: 'Lab 1',
      sessionDurationSeconds: 3600,
      state: 'RUNNING',
    },
  });
  return { labId: lab.id };
}

/** One SSE request kept as raw text: its status, everything received, and whether the server ended it. */
export interface RawStream {
  status: number;
  text(): string;
  ended: boolean;
  close(): void;
}

export function openRawStream(url: string, token: string, headers: Record<string, string> = {}): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...headers } },
      (res) => {
        let body = '';
        const stream: RawStream = {
          status: res.statusCode ?? 0,
          text: () => body,
          ended: false,
          close: () => req.destroy(),
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => (stream.ended = true));
        res.on('close', () => (stream.ended = true));
        resolve(stream);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
