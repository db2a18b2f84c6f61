import { upsertIniSection } from './ini-section';

describe('upsertIniSection', () => {
  const file =
    '# mine\n[default]\nregion = eu-west-1\n\n[profile lab]\n# keep this comment\nregion = us-west-2\noutput = text\n\n[profile other]\nregion = ap-south-1\n';

  it('replaces keys of one section and keeps every other line', () => {
    const out = upsertIniSection(file, 'profile lab', [
      ['region', 'us-east-1'],
      ['credential_process', 'labkeys credential-process'],
    ]);
    expect(out).toBe(
      '# mine\n[default]\nregion = eu-west-1\n\n[profile lab]\n# keep this comment\nregion = us-east-1\noutput = text\ncredential_process = labkeys credential-process\n\n[profile other]\nregion = ap-south-1\n',
    );
    expect(
      upsertIniSection(out, 'profile lab', [
        ['region', 'us-east-1'],
        ['credential_process', 'labkeys credential-process'],
      ]),
    ).toBe(out);
  });

  it('appends a missing section, into an empty file too', () => {
    expect(upsertIniSection('', 'lab', [['aws_access_key_id', 'ASIA']])).toBe('[lab]\naws_access_key_id = ASIA\n');
    expect(upsertIniSection('[a]\nx = 1', 'lab', [['k', 'v']])).toBe('[a]\nx = 1\n\n[lab]\nk = v\n');
  });

  it('keeps CRLF files CRLF', () => {
    expect(upsertIniSection('[a]\r\nx = 1\r\n', 'a', [['x', '2']])).toBe('[a]\r\nx = 2\r\n');
  });
});
