import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { REVOKE_REASON_MAX, RevokeRequestDto } from './revoke-request.dto';

const check = (body: Record<string, unknown>) => {
  const dto = plainToInstance(RevokeRequestDto, body);
  return { dto, fields: validateSync(dto).map((e) => e.property) };
};

describe('RevokeRequestDto', () => {
  it('takes no reason, or one line of text of 1 to 300 characters after trimming', () => {
    expect(check({}).fields).toEqual([]);
    expect(check({ reason: '  Lab over.  ' })).toEqual({ dto: { reason: 'Lab over.' }, fields: [] });
    expect(check({ reason: 'é'.repeat(REVOKE_REASON_MAX) }).fields).toEqual([]);
    expect(check({ reason: ` ${'x'.repeat(REVOKE_REASON_MAX)} ` }).fields).toEqual([]);
    expect(check({ reason: 'Ünïcödé, emoji 🎓 and "quotes" <b>not html</b>' }).fields).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['blank', ' \u00a0 '],
    ['too long', 'x'.repeat(REVOKE_REASON_MAX + 1)],
    ['a line break', 'a\r\nb'],
    ['a tab', 'a\tb'],
    ['an escape sequence', '\u001b[31mred'],
    ['DEL', 'a\u007f'],
    ['a C1 control', 'a\u0085b'],
    ['a line separator', 'a\u2028b'],
    ['a bidi override', 'a\u202eb'],
    ['a bidi isolate', 'a\u2067b'],
    ['a number', 5],
    ['null', null],
  ])('refuses %s', (_name, reason) => {
    expect(check({ reason }).fields).toEqual(['reason']);
  });
});
