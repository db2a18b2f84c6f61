import { renderCredentialFormat, renderProfileFormat, type CredentialSet } from './credential-formats';

const creds: CredentialSet = {
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: "se'cr$et`x",
  sessionToken: 'tok/en+==',
  expiration: '2026-12-01T21:00:00Z',
  region: 'us-east-1',
};

describe('credential formats', () => {
  it('quotes every value for its shell', () => {
    expect(renderCredentialFormat(creds, 'env')).toContain(`export AWS_SECRET_ACCESS_KEY='se'\\''cr$et\`x'`);
    expect(renderCredentialFormat(creds, 'fish')).toContain(`set -gx AWS_SECRET_ACCESS_KEY 'se\\'cr$et\`x'`);
    expect(renderCredentialFormat(creds, 'powershell')).toContain(`$Env:AWS_SECRET_ACCESS_KEY = 'se''cr$et\`x'`);
    expect(renderCredentialFormat(creds, 'cmd')).toContain('set "AWS_SESSION_TOKEN=tok/en+=="');
  });

  it('never lets a value or a profile name add a line', () => {
    const hostile = { ...creds, region: 'us-east-1\nexport EVIL=1', expiration: '2026\r\n[default]' };
    for (const format of ['env', 'fish', 'powershell', 'cmd'] as const) {
      const lines = renderCredentialFormat(hostile, format).split(/\r?\n/).filter(Boolean);
      expect(lines).toHaveLength(6);
    }
    const ini = renderCredentialFormat(hostile, 'ini', 'lab]\n[default');
    expect(ini.match(/^\[/gm)).toHaveLength(1);
  });

  it('a credentials profile carries the keys and the region; a config profile runs labkeys credential-process', () => {
    expect(renderProfileFormat(creds, 'credentials', 'lab').split('\n').slice(1)).toEqual([
      '[lab]',
      'aws_access_key_id = ASIAEXAMPLE',
      "aws_secret_access_key = se'cr$et`x",
      'aws_session_token = tok/en+==',
      'region = us-east-1',
      '',
    ]);
    expect(
      renderProfileFormat({ ...creds, endpointUrl: 'http://127.0.0.1:4566' }, 'config', 'lab')
        .split('\n')
        .slice(1),
    ).toEqual([
      '[profile lab]',
      'credential_process = labkeys credential-process --profile lab',
      'region = us-east-1',
      'endpoint_url = http://127.0.0.1:4566',
      '',
    ]);
    expect(renderProfileFormat(creds, 'config', 'default')).toContain('\n[default]\n');
  });

  it('never lets a value or a profile name add a line or a command to a profile', () => {
    const hostile = { ...creds, region: 'us-east-1\n[default]', labName: 'x\n[evil]' };
    for (const format of ['credentials', 'config'] as const) {
      const text = renderProfileFormat(hostile, format, 'lab]\n[default');
      expect(text.match(/^\[/gm)).toHaveLength(1);
    }
    expect(renderProfileFormat(creds, 'config', 'a b;rm -rf ~')).toContain(
      "credential_process = labkeys credential-process --profile 'a b;rm -rf ~'",
    );
  });

  it('prints credential_process version 1', () => {
    expect(JSON.parse(renderCredentialFormat(creds, 'process'))).toEqual({
      Version: 1,
      AccessKeyId: 'ASIAEXAMPLE',
      SecretAccessKey: "se'cr$et`x",
      SessionToken: 'tok/en+==',
      Expiration: '2026-12-01T21:00:00Z',
    });
  });
});
