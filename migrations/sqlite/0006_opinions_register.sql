CREATE TABLE `fields` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`keywords` text DEFAULT '[]' NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `fields_name_unique` ON `fields` (`name`);--> statement-breakpoint
CREATE TABLE `opinions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`session_id` integer,
	`question_id` integer,
	`channel` text NOT NULL,
	`received_at` text NOT NULL,
	`text` text,
	`person_name` text,
	`locality` text,
	`locality_code` text,
	`group` text,
	`field_id` integer,
	`level` text,
	`lead_agency` text,
	`agencies` text DEFAULT '[]' NOT NULL,
	`deadline` text,
	`outcome` text,
	`outcome_note` text,
	`response_ref` text,
	`repeat_of_id` integer,
	`tracking_code` text,
	`created_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`erased_at` text,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`field_id`) REFERENCES `fields`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `opinions_question_id_unique` ON `opinions` (`question_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `opinions_tracking_code_unique` ON `opinions` (`tracking_code`);--> statement-breakpoint
CREATE INDEX `opinions_unit_received` ON `opinions` (`unit_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `opinions_session` ON `opinions` (`session_id`);--> statement-breakpoint
CREATE INDEX `opinions_repeat` ON `opinions` (`repeat_of_id`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`abbreviation` text NOT NULL,
	`level` text NOT NULL,
	`parent_name` text,
	`place` text NOT NULL,
	`code` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `participants` ADD `locality_code` text;--> statement-breakpoint
ALTER TABLE `questions` ADD `field_id` integer REFERENCES fields(id);--> statement-breakpoint
ALTER TABLE `sessions` ADD `unit_id` integer REFERENCES units(id);--> statement-breakpoint
ALTER TABLE `sessions` ADD `audience_group` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `plan_published_at` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `announced_at` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `results_published_at` text;--> statement-breakpoint
-- The default fields (lĩnh vực), as provincial reports on voters' and citizens' recommendations group them.
-- Keywords are lower case without diacritics, matched as whole phrases to suggest a field from a question.
INSERT INTO `fields` (`name`, `keywords`, `position`) VALUES
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
