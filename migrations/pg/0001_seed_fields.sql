-- The default fields (lĩnh vực), as provincial reports on voters' and citizens' recommendations group them.
-- Keywords are lower case without diacritics, matched as whole phrases to suggest a field from a question.
INSERT INTO "fields" ("name", "keywords", "position") VALUES
  ('Đất đai, môi trường', '["dat dai","so do","giay chung nhan quyen su dung dat","thu hoi dat","giai phong mat bang","boi thuong","tai dinh cu","moi truong","o nhiem","rac thai","nuoc thai","khoang san"]', 1),
  ('Giao thông, xây dựng, thủy lợi', '["giao thong","duong giao thong","lam duong","con duong","cau","xay dung","giay phep xay dung","thuy loi","kenh muong","de dieu","ha tang"]', 2),
  ('Nông nghiệp, lâm nghiệp', '["nong nghiep","lam nghiep","cay trong","vat nuoi","giong","phan bon","trong rung","dat rung","nong san","tieu thu nong san","chan nuoi","dich benh"]', 3),
  ('Chính sách, an sinh xã hội', '["chinh sach","tro cap","ho ngheo","can ngheo","bao hiem xa hoi","nguoi co cong","an sinh","bao tro xa hoi","nha o xa hoi"]', 4),
  ('Y tế', '["y te","benh vien","tram y te","bao hiem y te","kham chua benh","bac si","thuoc"]', 5),
  ('Giáo dục', '["giao duc","truong hoc","hoc sinh","giao vien","hoc phi","sach giao khoa","diem truong"]', 6),
  ('Văn hóa, xã hội', '["van hoa","le hoi","the thao","du lich","nha van hoa","di tich"]', 7),
  ('Lao động, việc làm', '["viec lam","lao dong","tien luong","xuat khau lao dong","hoc nghe","dao tao nghe","khoi nghiep","that nghiep"]', 8),
  ('Điện, viễn thông, chuyển đổi số', '["dien luc","luoi dien","mat dien","gia dien","tien dien","song dien thoai","internet","vien thong","chuyen doi so","dich vu cong truc tuyen"]', 9),
  ('An ninh, trật tự', '["an ninh","trat tu","ma tuy","trom cap","toi pham","an toan giao thong","lua dao","tin dung den"]', 10),
  ('Thủ tục hành chính', '["thu tuc hanh chinh","thu tuc","ho so","giay to","cong chung","chung thuc","mot cua"]', 11),
  ('Khác', '[]', 12);
