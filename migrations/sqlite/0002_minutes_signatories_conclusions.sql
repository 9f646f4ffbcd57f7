CREATE TABLE `conclusions` (
	`session_id` integer PRIMARY KEY NOT NULL,
	`subject` text,
	`assessment` text DEFAULT '' NOT NULL,
	`tasks` text DEFAULT '[]' NOT NULL,
	`recipients` text DEFAULT '[]' NOT NULL,
	`authority` text NOT NULL,
	`updated_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `supporting_agencies` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `session_panel` ADD `role` text DEFAULT 'member' NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `attendance` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `closing_remarks` text;