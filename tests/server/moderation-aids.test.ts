import { describe, expect, it } from 'vitest';
import { fold, likelyDuplicates, looksAbusive } from '../../server/domain/questions/moderation-aids';
import { RateLimiter } from '../../server/domain/rate-limiter';

describe('moderation aids', () => {
  it('folds Vietnamese diacritics, đ and case', () => {
    expect(fold('Đường Quốc lộ 2 ĐẾN Hà Giang?')).toBe('duong quoc lo 2 den ha giang');
  });

  it('flags abusive words with or without diacritics, but not innocent look-alikes', () => {
    expect(looksAbusive('Đồ ngu!')).toBe(true);
    expect(looksAbusive('do ngu')).toBe(true);
    expect(looksAbusive('You are an IDIOT')).toBe(true);
    expect(looksAbusive('Các lớp học lớn, đeo khẩu trang, bưởi Phúc Trạch')).toBe(false);
    expect(looksAbusive('Xử lý lừa đảo qua mạng thế nào?')).toBe(false);
    expect(looksAbusive('Tôi muốn hỏi về dự án đô thị')).toBe(false);
  });

  it('points to likely duplicates, most similar first', () => {
    const earlier = [
      { id: 1, text: 'Khi nào đường liên xã Tân Trào được sửa?' },
      { id: 2, text: 'Chính sách hỗ trợ học phí cho sinh viên nghèo' },
      { id: 3, text: 'Bao giờ sửa đường liên xã Tân Trào ạ' },
    ];
    const dups = likelyDuplicates('Đường liên xã Tân Trào bao giờ được sửa?', earlier);
    expect(dups).toContain(1);
    expect(dups).toContain(3);
    expect(dups).not.toContain(2);
    expect(likelyDuplicates('Hỗ trợ nông dân trồng chè', earlier)).toEqual([]);
  });
});

describe('rate limiter', () => {
  it('allows a burst, then refills at the sustained rate, per key', () => {
    const rl = new RateLimiter(60, 3); // one a second, burst of three
    const t0 = 1_000_000;
    expect([1, 2, 3, 4].map(() => rl.tryTake('a', t0))).toEqual([true, true, true, false]);
    expect(rl.tryTake('b', t0)).toBe(true);
    expect(rl.tryTake('a', t0 + 999)).toBe(false);
    expect(rl.tryTake('a', t0 + 1001)).toBe(true);
  });

  it('is disabled by a limit of 0', () => {
    const rl = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(rl.tryTake('x')).toBe(true);
  });
});
