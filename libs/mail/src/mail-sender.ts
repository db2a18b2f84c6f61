import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '@labkeys/config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Why an SMTP server refused a message, in its own words (code and response), never with the message body. */
export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  constructor(
    message: string,
    /** 4xx answers and connection failures are worth another try; 5xx are permanent refusals. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * SMTP delivery through nodemailer, one pooled transport per process (`SMTP_URL`, `MAIL_FROM`). Its own logger
 * is off: messages carry access links, and no link may reach a log line.
 */
@Injectable()
export class MailSender implements OnModuleDestroy {
  private readonly transport: Transporter;

  constructor(private readonly config: AppConfig) {
    this.transport = createTransport(config.smtpUrl, { from: config.mailFrom });
    this.transport.set('disableFileAccess', true);
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transport.sendMail({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    } catch (error) {
      const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
      const status = typeof e.responseCode === 'number' ? e.responseCode : null;
      const words = e.response ?? e.message ?? String(error);
      throw new MailSendError(
        status ? `SMTP ${status}: ${words}` : `${e.code ?? 'SMTP'}: ${words}`,
        status === null || status < 500,
      );
    }
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
