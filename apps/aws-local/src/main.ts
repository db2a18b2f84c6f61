import { parseCliOptions } from './cli-options';
import { startAwsLocal } from './server';

async function main(): Promise<void> {
  let options;
  try {
    options = parseCliOptions(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  }
  const awsLocal = await startAwsLocal(options);
  console.log(`aws-local listening on ${awsLocal.url}`);
  const stop = (): void => {
    awsLocal.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  console.error('aws-local failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
