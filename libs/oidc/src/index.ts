export { OidcModule } from './oidc.module';
export { OidcIssuer } from './oidc-issuer';
export { OidcKeyStore, type Rotation } from './oidc-key.store';
export { SigningKeyUnreadableError } from './signing-key-unreadable.error';
export { signRs256, type JwtClaims } from './jwt';
export { generateSigningKey, type PublicJwk, type LoadedKey } from './signing-key';
