CREATE TABLE `session_staff` (
	`session_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`session_id`, `user_id`),
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `session_staff_user` ON `session_staff` (`user_id`);--> statement-breakpoint
ALTER TABLE `answers` ADD `panel_seat_id` integer REFERENCES session_panel(id);--> statement-breakpoint
ALTER TABLE `questions` ADD `number` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Existing questions are numbered in the order they arrived in their session.
UPDATE `questions` SET `number` = (SELECT count(*) FROM `questions` q2 WHERE q2.`session_id` = `questions`.`session_id` AND q2.`id` <= `questions`.`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `questions_session_number` ON `questions` (`session_id`,`number`);--> statement-breakpoint
ALTER TABLE `users` ADD `token_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_actor` ON `audit_log` (`actor_kind`,`actor_id`);--> statement-breakpoint
-- Before this migration every staff member could act on every session: an upgrade keeps that access
-- (admins narrow it per session afterwards); new sessions start with only the staff an admin assigns.
INSERT INTO `session_staff` (`session_id`, `user_id`) SELECT s.`id`, u.`id` FROM `sessions` s, `users` u WHERE u.`role` <> 'admin';