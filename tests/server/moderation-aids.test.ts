import { describe, expect, it } from 'vitest';
import { fold, likelyDuplicates, looksAbusive } from '../../server/domain/questions/moderation-aids';
import { RateLimiter } from '../../server/domain/rate-limiter';

describe('moderation aids', () => {
  it('folds Vietnamese diacritics, đ and case', () => {
    expect(fold('Đường Quốc lộ 2 ĐẾN Hà Giang?')).toBe('duong quoc lo 2 den ha giang');
  });

  it('flags abusive words as spelled, diacritics included, but not innocent look-alikes', () => {
    expect(looksAbusive('Đồ ngu!')).toBe(true);
    expect(looksAbusive('đồ ngu')).toBe(true);
    expect(looksAbusive('You are an IDIOT')).toBe(true);
    expect(looksAbusive('Các lớp học lớn, đeo khẩu trang, bưởi Phúc Trạch')).toBe(false);
    expect(looksAbusive('Xử lý lừa đảo qua mạng thế nào?')).toBe(false);
    expect(looksAbusive('Tôi muốn hỏi về dự án đô thị')).toBe(false);
    // Folding diacritics away made these collide with slurs.
    expect(looksAbusive('cấp sổ đỏ cho các hộ')).toBe(false);
    expect(looksAbusive('Đồ ngủ trẻ em ở chợ có được kiểm tra chất lượng không?')).toBe(false);
    // Decomposed input (NFD, as some keyboards send it) is the same text.
    expect(looksAbusive('Đồ chó'.normalize('NFD'))).toBe(true);
    expect(looksAbusive('cấp sổ đỏ cho các hộ'.normalize('NFD'))).toBe(false);
  });

  it('flags none of 60 ordinary questions of a dialogue with farmers, youth, workers and businesses', () => {
    const legitimate = [
      'Bao giờ xã tôi được cấp sổ đỏ cho các hộ đã sử dụng đất ổn định từ năm 1993?',
      'Đề nghị cấp sổ đỏ cho các hộ dân thôn Nà Tông, đã nộp hồ sơ hơn hai năm chưa có kết quả.',
      'Thủ tục chuyển đổi đất vườn sang đất ở cần những giấy tờ gì và mất bao lâu?',
      'Giá đền bù đất nông nghiệp khi làm đường cao tốc Tuyên Quang – Hà Giang tính thế nào?',
      'Đất của gia đình tôi bị đo đạc sai diện tích, đề nghị đo lại cho đúng.',
      'Vì sao đất rừng sản xuất giao cho các hộ từ năm 2005 đến nay vẫn chưa có giấy chứng nhận?',
      'Nông dân vay vốn Ngân hàng Chính sách xã hội để trồng chè thì lãi suất bao nhiêu?',
      'Thanh niên khởi nghiệp có được vay vốn ưu đãi không cần thế chấp không?',
      'Hạn mức cho vay hộ nghèo có được nâng lên 100 triệu đồng không?',
      'Giá phân bón tăng cao, tỉnh có chính sách hỗ trợ nông dân không?',
      'Giá lúa năm nay thấp, thương lái ép giá, chính quyền có biện pháp gì?',
      'Giá thức ăn chăn nuôi tăng, người nuôi lợn thua lỗ, đề nghị hỗ trợ.',
      'Đường liên xã Tân Trào xuống cấp nghiêm trọng, bao giờ được sửa?',
      'Cầu treo bản Khuổi Phầy bị hỏng, học sinh phải lội suối đi học, đề nghị làm cầu mới.',
      'Đèn đường ở tổ 5 phường Phan Thiết hỏng đã ba tháng chưa được thay.',
      'Xe chở đá quá tải làm hỏng đường thôn, đề nghị kiểm tra xử lý.',
      'Trường mầm non xã thiếu phòng học, các cháu phải học nhờ nhà văn hóa thôn.',
      'Học phí năm học mới có được miễn cho con em hộ cận nghèo không?',
      'Đề nghị tăng thêm giáo viên tiếng Anh cho các trường trung học cơ sở vùng cao.',
      'Bếp ăn bán trú của trường có được hỗ trợ tiền gạo cho học sinh dân tộc thiểu số không?',
      'Bệnh viện huyện thiếu bác sĩ chuyên khoa, người dân phải lên tuyến tỉnh khám.',
      'Thẻ bảo hiểm y tế của người cao tuổi có được cấp miễn phí không?',
      'Trạm y tế xã xuống cấp, thiếu thuốc, bao giờ được đầu tư?',
      'Thời gian chờ khám ở bệnh viện đa khoa tỉnh quá lâu, đề nghị cải thiện.',
      'Nước sạch ở thôn Đồng Mán bị nhiễm đá vôi, đề nghị có công trình nước mới.',
      'Rác thải sinh hoạt không được thu gom thường xuyên, gây ô nhiễm.',
      'Cơ sở chế biến gỗ xả khói bụi làm ảnh hưởng sức khỏe người dân, xin hỏi ai xử lý?',
      'Đề nghị kiểm tra việc khai thác cát trái phép trên sông Lô.',
      'Điện lưới chập chờn vào mùa hè, máy bơm nước không chạy được.',
      'Thôn tôi chưa có sóng điện thoại, học sinh không học trực tuyến được.',
      'Chính sách hỗ trợ người lao động mất việc do doanh nghiệp giải thể như thế nào?',
      'Công nhân khu công nghiệp Long Bình An cần nhà ở xã hội, bao giờ có?',
      'Doanh nghiệp chậm đóng bảo hiểm xã hội cho công nhân thì xử lý ra sao?',
      'Lương tối thiểu vùng năm tới tăng bao nhiêu?',
      'Doanh nghiệp nhỏ muốn thuê đất trong cụm công nghiệp thì thủ tục thế nào?',
      'Thủ tục hoàn thuế giá trị gia tăng còn chậm, đề nghị rút ngắn thời gian.',
      'Hợp tác xã chè Mỹ Bằng muốn xây dựng thương hiệu, tỉnh có hỗ trợ không?',
      'Sản phẩm OCOP của xã có được hỗ trợ đưa lên sàn thương mại điện tử không?',
      'Thanh niên xuất ngũ về địa phương có được học nghề miễn phí không?',
      'Đề nghị xây sân bóng và nhà văn hóa cho thanh niên thôn.',
      'Chương trình đưa thanh niên đi làm việc ở Hàn Quốc có tuyển ở huyện tôi không?',
      'Tình trạng thanh niên nghiện game và ma túy ở xã ngày càng nhiều, chính quyền làm gì?',
      'Hộ nghèo được hỗ trợ làm nhà theo chương trình xóa nhà tạm khi nào?',
      'Người khuyết tật nặng được trợ cấp bao nhiêu mỗi tháng?',
      'Tiền trợ cấp cho người có công với cách mạng chậm chi trả ba tháng nay.',
      'Ông bà tôi trên 80 tuổi có được hưởng trợ cấp xã hội không?',
      'Đề nghị công khai danh sách hộ nghèo của thôn để người dân giám sát.',
      'Việc chuyển đổi cơ cấu cây trồng từ lúa sang cam có được hỗ trợ giống không?',
      'Dịch tả lợn châu Phi làm chết hết đàn lợn, người dân có được bồi thường không?',
      'Đề nghị hỗ trợ tiêm phòng lở mồm long móng cho trâu bò.',
      'Rừng trồng keo bị cháy, các hộ có được hỗ trợ trồng lại không?',
      'Lũ quét năm ngoái làm sạt lở đất nhà tôi, bao giờ được tái định cư?',
      'Thủ tục làm căn cước cho người cao tuổi ở vùng cao có thể làm lưu động không?',
      'Dịch vụ công trực tuyến khó dùng với người dân vùng cao, đề nghị hướng dẫn.',
      'Cán bộ một cửa của xã giải quyết hồ sơ chậm, có thái độ chưa đúng mực.',
      'Dự án khu đô thị mới chậm tiến độ, người dân đã nộp tiền mà chưa nhận nhà.',
      'Quy hoạch treo ở phường Minh Xuân bao giờ được gỡ bỏ để dân xây nhà?',
      'Đề nghị xử lý tình trạng lấn chiếm vỉa hè làm nơi buôn bán.',
      'Chợ trung tâm xã xuống cấp, bao giờ được xây mới?',
      'Mùa mưa bão, đê sông Gâm có đảm bảo an toàn cho các hộ ven sông không?',
      'Giá điện sinh hoạt tăng, hộ nghèo có được hỗ trợ không?',
      'Con tôi học lớp đo đạc bản đồ ra trường có được xã nhận vào làm không?',
      'Khi nào có đường nhựa đến bản, đi lại mùa mưa lầy lội lắm.',
      'Cho tôi hỏi chế độ của dân quân thường trực năm nay thế nào?',
      'Xin hỏi vì sao hồ sơ đất của các hộ thôn 3 bị trả lại nhiều lần?',
      // Typed without diacritics, as many phones do.
      'Bao gio cap so do cho cac ho dan thon 3?',
      'Truong hoc thieu phong, cac lop hoc lon qua, hoc sinh phai deo khau trang vi bui',
      'De nghi sua duong do thi, mat duong hong nang',
    ];
    expect(legitimate.length).toBeGreaterThanOrEqual(50);
    expect(legitimate.filter(looksAbusive)).toEqual([]);
  });

  it('still flags real insults, with diacritics and in the usual unaccented shorthand', () => {
    const insults = [
      'Mấy ông cán bộ đồ chó, ăn hết tiền dân',
      'Thằng chó nào duyệt dự án này?',
      'Chủ tịch xã đúng là đồ ngu',
      'Bọn mất dạy, khốn nạn',
      'đm chính quyền',
      'dm bọn tham nhũng',
      'vcl giá điện',
      'Đéo ai tin các ông nữa',
      'Óc chó mới nghĩ ra quy hoạch này',
      'dit me may',
      'Câm mồm đi',
      'Lũ súc sinh',
      'This council is full of idiots',
    ];
    expect(insults.filter((q) => !looksAbusive(q))).toEqual([]);
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
