import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { bearer, createTenantWithOwner } from '../support/api';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';
import { freePort } from '../support/redis-server';

interface Received {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Issue 13, acceptance 2: access links by email over real SMTP (nodemailer to a local `smtp-server`), one message
 * per student with its own working link; an SMTP failure shows as failed for that student and is retried; a resend
 * invalidates the old link.
 */
describe('access links by email', () => {
  let pipeline: Pipeline;
  let smtp: SMTPServer;
  const inbox: Received[] = [];
  /** Addresses the server refuses for now (451, a temporary failure). */
  const refusing = new Set<string>();

  beforeAll(async () => {
    const port = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (refusing.has(address.address))
          return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
            inbox.push({
              to: to?.value[0]?.address ?? '',
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    pipeline = await startPipeline([], {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: 'LabKeys <labkeys@school.example>',
      API_RATE_LIMIT_PER_MINUTE: '100000',
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await new Promise<void>((resolve) => smtp?.close(resolve));
  });

  const linkIn = (mail: Received) => /https?:\/\/\S+\/student#token=(lks_[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];

  it('sends one message per student with its own link, shows and retries a failure, and a resend replaces the link', async () => {
    const { api, prisma } = pipeline;
    const tenant = await createTenantWithOwner(prisma);
    const owner = bearer(tenant.ownerToken);
    const course = (
      await api.http.post('/v1/courses').set(owner).send({ code: 'MAIL-1', title: 'Mail & <Links>' }).expect(201)
    ).body as { id: string };
    const emails = ['ada@school.example', 'alan@school.example', 'grace@school.example'];
    const imported = await api.http
      .post(`/v1/courses/${course.id}/students`)
      .set(owner)
      .send({ students: emails.map((email) => ({ email, displayName: email.split('@')[0] })) })
      .expect(200);
    const importLinks = imported.body.accessLinks as { email: string; accessToken: string; enrollmentId: string }[];
    refusing.add('grace@school.example');

    await api.http.post(`/v1/courses/${course.id}/access-links/email`).set(owner).send({}).expect(400);
    const sent = await api.http
      .post(`/v1/courses/${course.id}/access-links/email`)
      .set(owner)
      .send({ only: 'unsent' })
      .expect(202);
    expect(sent.body.queued).toBe(3);

    // The refused one shows as failed, with the SMTP server's words, in the roster.
    const roster = async () =>
      (await api.http.get(`/v1/courses/${course.id}/enrollments`).set(owner).expect(200)).body.items as {
        student: { email: string };
        email: { state: string; error: string | null; attempts: number } | null;
      }[];
    await eventually(async () => {
      const grace = (await roster()).find((e) => e.student.email === 'grace@school.example')!;
      expect(grace.email).toMatchObject({ state: 'FAILED' });
      expect(grace.email!.error).toContain('451');
      expect(inbox.map((m) => m.to).sort()).toEqual(['ada@school.example', 'alan@school.example']);
    }, 20000);
    refusing.clear();
    await eventually(async () => {
      expect((await roster()).map((e) => e.email?.state)).toEqual(['SENT', 'SENT', 'SENT']);
    }, 30000);
    expect(inbox).toHaveLength(3);

    // Each message has its own working link; the link from the import no longer works.
    const tokens = inbox.map(linkIn);
    expect(new Set(tokens).size).toBe(3);
    for (const mail of inbox) {
      expect(mail.subject).toBe('Your AWS lab access for MAIL-1');
      expect(mail.html).toContain('Mail &amp; &lt;Links&gt;');
      await api.http
        .get('/v1/me/sessions/current')
        .set(bearer(linkIn(mail)!))
        .expect(404);
    }
    for (const link of importLinks)
      await api.http.get('/v1/me/sessions/current').set(bearer(link.accessToken)).expect(401);
    // Sent: nothing is left sealed.
    expect(await prisma.mailDelivery.count({ where: { tenantId: tenant.tenantId, sealedToken: { not: null } } })).toBe(
      0,
    );

    // "Only those not yet sent" finds nobody now; a resend to one student replaces their link.
    expect(
      (
        await api.http
          .post(`/v1/courses/${course.id}/access-links/email`)
          .set(owner)
          .send({ only: 'unsent' })
          .expect(202)
      ).body.queued,
    ).toBe(0);
    const ada = importLinks.find((l) => l.email === 'ada@school.example')!;
    const oldToken = linkIn(inbox.find((m) => m.to === 'ada@school.example')!)!;
    await api.http
      .post(`/v1/courses/${course.id}/enrollments/${ada.enrollmentId}/access-link/email`)
      .set(owner)
      .expect(202);
    await eventually(async () => expect(inbox.filter((m) => m.to === 'ada@school.example')).toHaveLength(2), 20000);
    const newToken = linkIn(inbox.filter((m) => m.to === 'ada@school.example')[1])!;
    await api.http.get('/v1/me/sessions/current').set(bearer(oldToken)).expect(401);
    await api.http.get('/v1/me/sessions/current').set(bearer(newToken)).expect(404);

    // No link in any log line.
    expect(`${pipeline.api.logs.text}\n${pipeline.worker.logs.text}`).not.toMatch(/lks_/);
  });
});
