ALTER TABLE `participants` ADD `contact_consent_at` text;--> statement-breakpoint
ALTER TABLE `participants` ADD `banned_at` text;--> statement-breakpoint
ALTER TABLE `participants` ADD `ban_reason` text;--> statement-breakpoint
ALTER TABLE `participants` ADD `erased_at` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `retention_days` integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `contacts_erased_at` text;