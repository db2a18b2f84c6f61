export { MailSender, MailSendError, type OutgoingMail } from './mail-sender';
export { accessLinkMail, type AccessLinkMail } from './access-link.mail';
