import { isFetchableUrl, parseIssuerUrl } from './issuer-url';

describe('issuer URLs', () => {
  it('keys a provider by host and path without scheme or trailing slash', () => {
    expect(parseIssuerUrl('https://Labkeys.Example.edu/oidc/')).toEqual({
      url: 'https://labkeys.example.edu/oidc',
      key: 'labkeys.example.edu/oidc',
    });
    expect(parseIssuerUrl('https://labkeys.example.edu')).toEqual({
      url: 'https://labkeys.example.edu',
      key: 'labkeys.example.edu',
    });
    expect(parseIssuerUrl('http://127.0.0.1:4010/oidc')).toEqual({
      url: 'http://127.0.0.1:4010/oidc',
      key: '127.0.0.1:4010/oidc',
    });
  });

  it.each([
    'http://labkeys.example.edu',
    'ftp://x.example',
    'x.example',
    'https://x.example/?a=1',
    'https://u:p@x.example',
  ])('refuses %s', (url) => {
    expect(parseIssuerUrl(url)).toHaveProperty('error');
  });

  it('fetches over https anywhere and over http only from loopback hosts', () => {
    expect(isFetchableUrl('https://x.example/keys')).toBe(true);
    expect(isFetchableUrl('http://localhost:1/keys')).toBe(true);
    expect(isFetchableUrl('http://10.0.0.1/keys')).toBe(false);
    expect(isFetchableUrl('file:///etc/passwd')).toBe(false);
  });
});
