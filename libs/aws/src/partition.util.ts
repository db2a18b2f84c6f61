/** AWS partitions LabKeys can connect to, with the hosts that differ between them. */
export const PARTITIONS = ['aws', 'aws-us-gov', 'aws-cn'] as const;
export type Partition = (typeof PARTITIONS)[number];

const SIGNIN_HOSTS: Record<Partition, string> = {
  aws: 'signin.aws.amazon.com',
  'aws-us-gov': 'signin.amazonaws-us-gov.com',
  'aws-cn': 'signin.amazonaws.cn',
};

const CONSOLE_HOMES: Record<Partition, string> = {
  aws: 'https://console.aws.amazon.com/',
  'aws-us-gov': 'https://console.amazonaws-us-gov.com/',
  'aws-cn': 'https://console.amazonaws.cn/',
};

export function isPartition(value: unknown): value is Partition {
  return typeof value === 'string' && (PARTITIONS as readonly string[]).includes(value);
}

function partitionOf(value: string): Partition {
  if (!isPartition(value)) throw new Error(`Unknown AWS partition "${value}"`);
  return value;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** The console federation endpoint; a local AWS serves it at `<endpoint>/federation`. */
export function federationEndpointFor(partition: string, endpointOverride?: string | null): string {
  if (endpointOverride) return `${trimSlash(endpointOverride)}/federation`;
  return `https://${SIGNIN_HOSTS[partitionOf(partition)]}/federation`;
}

/** Where a console sign-in lands when the role template names no destination. */
export function defaultConsoleDestination(partition: string, endpointOverride?: string | null): string {
  if (endpointOverride) return `${trimSlash(endpointOverride)}/console`;
  return CONSOLE_HOMES[partitionOf(partition)];
}
