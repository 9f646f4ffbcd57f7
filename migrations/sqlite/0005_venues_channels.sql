CREATE TABLE `sms_messages` (
	`message_id` text PRIMARY KEY NOT NULL,
	`received_at` text NOT NULL,
	`question_id` integer,
	`outcome` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `venues` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` integer NOT NULL,
	`name` text NOT NULL,
	`locality` text,
	`code` text NOT NULL,
	`attendance` integer,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `venues_code_unique` ON `venues` (`code`);--> statement-breakpoint
CREATE INDEX `venues_session` ON `venues` (`session_id`,`position`);--> statement-breakpoint
ALTER TABLE `participants` ADD `venue_id` integer;--> statement-breakpoint
ALTER TABLE `questions` ADD `channel` text DEFAULT 'app' NOT NULL;--> statement-breakpoint
ALTER TABLE `questions` ADD `venue_id` integer;--> statement-breakpoint
ALTER TABLE `session_staff` ADD `venue_id` integer;