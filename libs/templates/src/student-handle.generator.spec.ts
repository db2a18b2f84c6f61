import { STUDENT_HANDLE_PATTERN } from './placeholder.catalog';
import { makeStudentHandle } from './student-handle.generator';

describe('makeStudentHandle', () => {
  it('makes s- plus 10 lowercase base32 characters that fit the handle placeholder', () => {
    for (let i = 0; i < 200; i++) {
      const handle = makeStudentHandle();
      expect(handle).toMatch(/^s-[a-z2-7]{10}$/);
      expect(handle).toMatch(STUDENT_HANDLE_PATTERN);
    }
  });

  it('differs from call to call', () => {
    expect(new Set(Array.from({ length: 1000 }, () => makeStudentHandle())).size).toBe(1000);
  });

  it('is a pure function of its seed bytes', () => {
    expect(makeStudentHandle(new Uint8Array(7))).toBe('s-aaaaaaaaaa');
    expect(makeStudentHandle(Uint8Array.from([255, 255, 255, 255, 255, 255, 255]))).toBe('s-7777777777');
    const seed = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(makeStudentHandle(seed)).toBe(makeStudentHandle(seed));
    expect(makeStudentHandle(seed)).not.toBe(makeStudentHandle(Uint8Array.from([1, 2, 3, 4, 5, 7, 7])));
  });

  it('refuses a seed too short to fill the handle', () => {
    expect(() => makeStudentHandle(new Uint8Array(6))).toThrow(RangeError);
  });
});
