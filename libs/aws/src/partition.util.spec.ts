import { assumedRoleName, isAssumedRoleArn, parseRoleArn, roleArn } from './arn.util';
import { defaultConsoleDestination, federationEndpointFor } from './partition.util';

describe('partition hosts', () => {
  it("names each partition's federation endpoint and console home", () => {
    expect(federationEndpointFor('aws')).toBe('https://signin.aws.amazon.com/federation');
    expect(federationEndpointFor('aws-us-gov')).toBe('https://signin.amazonaws-us-gov.com/federation');
    expect(federationEndpointFor('aws-cn')).toBe('https://signin.amazonaws.cn/federation');
    expect(defaultConsoleDestination('aws')).toBe('https://console.aws.amazon.com/');
    expect(defaultConsoleDestination('aws-us-gov')).toBe('https://console.amazonaws-us-gov.com/');
    expect(defaultConsoleDestination('aws-cn')).toBe('https://console.amazonaws.cn/');
  });

  it('uses the endpoint override for a local AWS', () => {
    expect(federationEndpointFor('aws', 'http://127.0.0.1:4566/')).toBe('http://127.0.0.1:4566/federation');
    expect(defaultConsoleDestination('aws', 'http://127.0.0.1:4566')).toBe('http://127.0.0.1:4566/console');
  });

  it('refuses an unknown partition', () => {
    expect(() => federationEndpointFor('aws-iso')).toThrow('Unknown AWS partition');
  });
});

describe('ARNs', () => {
  it('parses role ARNs with and without a path', () => {
    expect(parseRoleArn('arn:aws:iam::123456789012:role/LabKeysLab')).toEqual({
      partition: 'aws',
      accountId: '123456789012',
      path: '/',
      roleName: 'LabKeysLab',
    });
    const nested = parseRoleArn('arn:aws-us-gov:iam::123456789012:role/labs/2026/Student')!;
    expect(nested).toEqual({
      partition: 'aws-us-gov',
      accountId: '123456789012',
      path: '/labs/2026/',
      roleName: 'Student',
    });
    expect(roleArn(nested)).toBe('arn:aws-us-gov:iam::123456789012:role/labs/2026/Student');
  });

  it.each([
    'arn:aws:iam::123456789012:user/admin',
    'arn:aws:iam::12345:role/x',
    'arn:aws:sts::123456789012:assumed-role/x/y',
    'role/x',
  ])('%s is not a role ARN', (arn) => {
    expect(parseRoleArn(arn)).toBeNull();
  });

  it('recognises an assumed-role identity (role chaining)', () => {
    expect(isAssumedRoleArn('arn:aws:sts::123456789012:assumed-role/LabKeysService/i-0abc')).toBe(true);
    expect(assumedRoleName('arn:aws:sts::123456789012:assumed-role/LabKeysService/i-0abc')).toBe('LabKeysService');
    expect(isAssumedRoleArn('arn:aws:iam::123456789012:user/admin')).toBe(false);
  });
});
