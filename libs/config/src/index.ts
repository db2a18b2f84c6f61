export { EnvSchema } from './env.schema';
export { ConfigError, loadEnv } from './config.loader';
export { AppConfig } from './app-config';
export { ConfigModule } from './config.module';
export { loadEnvOrExit } from './boot';
