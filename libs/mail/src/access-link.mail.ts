import type { OutgoingMail } from './mail-sender';

export interface AccessLinkMail {
  to: string;
  studentName: string | null;
  courseCode: string;
  courseTitle: string;
  link: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The access-link message, as plain text and HTML. Instructor-written text (course title, names) is escaped. */
export function accessLinkMail(m: AccessLinkMail): OutgoingMail {
  const hello = m.studentName ? `Hello ${m.studentName},` : 'Hello,';
  const course = `${m.courseCode} — ${m.courseTitle}`;
  const text = [
    hello,
    '',
    `This is your personal link to the AWS lab credentials of ${course}:`,
    '',
    m.link,
    '',
    'Open it in your browser to see your credentials and the AWS console button, or use it with the labkeys CLI:',
    `  labkeys login '${m.link}'`,
    '',
    'Keep it to yourself: anyone with this link gets your lab access. A newer link from your instructor replaces this one.',
    '',
    '— LabKeys',
    '',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">
<p>${escapeHtml(hello)}</p>
<p>This is your personal link to the AWS lab credentials of <strong>${escapeHtml(course)}</strong>:</p>
<p><a href="${escapeHtml(m.link)}">Open my lab credentials</a></p>
<p>Or with the labkeys CLI: <code>labkeys login '${escapeHtml(m.link)}'</code></p>
<p style="color: #555">Keep it to yourself: anyone with this link gets your lab access. A newer link from your instructor replaces this one.</p>
<p>— LabKeys</p>
</body></html>
`;
  return { to: m.to, subject: `Your AWS lab access for ${m.courseCode}`, text, html };
}
