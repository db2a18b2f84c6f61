import type { WorldStateFile } from './world-types';

export const DEFAULT_ACCOUNT = '123456789012';
// AWS's documented example key pair, so tools configured from AWS documentation work unchanged.
export const DEFAULT_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const DEFAULT_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** The world without a state file: one account and an administrator user. */
export function defaultWorld(): WorldStateFile {
  return {
    accounts: [
      {
        id: DEFAULT_ACCOUNT,
        users: [
          {
            name: 'admin',
            accessKeys: [{ accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY }],
            inlinePolicies: {
              AdministratorAccess: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
              },
            },
          },
        ],
      },
    ],
  };
}
