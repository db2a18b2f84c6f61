import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

// argon2id with OWASP's first recommended parameters: 19 MiB, 2 passes, 1 lane (the library's defaults, pinned).
const ARGON2ID = 2 as Algorithm;
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * Password hashing (argon2id, PHC strings with their own salt and parameters). Verification is the library's,
 * in constant time; `verifyNothing` spends the same work when there is no account, so an unknown email answers
 * no sooner than a wrong password.
 */
@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(phc: string, password: string): Promise<boolean> {
    try {
      return await verify(phc, password);
    } catch {
      return false;
    }
  }

  async verifyNothing(password: string): Promise<void> {
    this.dummy ??= hash(randomBytes(24).toString('base64url'), OPTIONS);
    await this.verify(await this.dummy, password);
  }
}
