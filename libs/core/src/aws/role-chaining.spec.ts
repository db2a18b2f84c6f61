import {
  effectiveMaxSessionSeconds,
  exceedsRoleChainingCap,
  issuedDurationSeconds,
  ROLE_CHAINING_MAX_SECONDS,
} from './role-chaining';

describe('the role-chaining cap', () => {
  it("is AWS's one hour", () => {
    expect(ROLE_CHAINING_MAX_SECONDS).toBe(3600);
  });

  it("refuses longer sessions only when LabKeys' identity is known to be an assumed role", () => {
    expect(exceedsRoleChainingCap(3601, true)).toBe(true);
    expect(exceedsRoleChainingCap(3600, true)).toBe(false);
    expect(exceedsRoleChainingCap(43200, false)).toBe(false);
    expect(exceedsRoleChainingCap(43200, null)).toBe(false);
  });

  it("bounds the known maximum by the role's MaxSessionDuration and the cap", () => {
    expect(effectiveMaxSessionSeconds({ maxSessionSeconds: null, roleChaining: null })).toBeUndefined();
    expect(effectiveMaxSessionSeconds({ maxSessionSeconds: 7200, roleChaining: null })).toBe(7200);
    expect(effectiveMaxSessionSeconds({ maxSessionSeconds: 7200, roleChaining: true })).toBe(3600);
    expect(effectiveMaxSessionSeconds({ maxSessionSeconds: null, roleChaining: true })).toBe(3600);
  });

  it("asks STS for the lab's duration within the role's maximum and, when chaining, one hour", () => {
    expect(issuedDurationSeconds(14400, { maxSessionSeconds: null }, false)).toBe(14400);
    expect(issuedDurationSeconds(14400, { maxSessionSeconds: 7200 }, false)).toBe(7200);
    expect(issuedDurationSeconds(14400, { maxSessionSeconds: 7200 }, true)).toBe(3600);
    expect(issuedDurationSeconds(1800, { maxSessionSeconds: 7200 }, true)).toBe(1800);
  });
});
