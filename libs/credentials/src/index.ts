export * from './credential-formats';
export { upsertIniSection } from './ini-section';
