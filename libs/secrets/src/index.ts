export { SecretSealer } from './secret.sealer';
export type { SealedSecret } from './secret.sealer';
export { KEY_BYTES, KEY_ID_PATTERN, formatKeyRing, parseKeyRing } from './key-ring.parser';
export type { KeyRing } from './key-ring.parser';
export { keyRingOf, loadOrCreateLocalKeyRing } from './local-key-ring.loader';
export { KeyRingError, SealedSecretError } from './sealed-secret.error';
export type { SealedSecretFailure } from './sealed-secret.error';
export {
  TOKEN_RANDOM_BYTES,
  constantTimeEqual,
  generateToken,
  hashToken,
  looksLikeToken,
  tokenDisplayPrefix,
} from './token.util';
export type { TokenPrefix } from './token.util';
