import type { AwsError } from './errors';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/** One element with escaped text; undefined values are left out, as AWS omits unset members. */
export function el(name: string, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** One element wrapping already-built XML. */
export function wrap(name: string, innerXml: string): string {
  return `<${name}>${innerXml}</${name}>`;
}

/** A Query-protocol list: `<Name><member>…</member></Name>`. */
export function memberList(
  name: string,
  items: string[],
  itemXml: (item: string) => string = (i) => escapeXml(i),
): string {
  return `<${name}>${items.map((i) => `<member>${itemXml(i)}</member>`).join('')}</${name}>`;
}

/** Success body of a Query-protocol action (STS, IAM). Actions without output still carry ResponseMetadata. */
export function queryResponse(action: string, namespace: string, resultXml: string | null, requestId: string): string {
  const result = resultXml === null ? '' : `<${action}Result>${resultXml}</${action}Result>`;
  return (
    `<${action}Response xmlns="${namespace}">${result}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** Error body of a Query-protocol service. */
export function queryError(namespace: string, error: AwsError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.type}</Type>` +
    `${el('Code', error.code)}${el('Message', error.message)}</Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/** Error body of S3 (REST-XML). */
export function s3Error(error: AwsError, requestId: string, resource?: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${el('Code', error.code)}${el('Message', error.message)}` +
    `${el('Resource', resource)}<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`
  );
}

/** AWS writes timestamps as ISO-8601 UTC without milliseconds, e.g. `2026-01-01T12:00:00Z`. */
export function awsTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
