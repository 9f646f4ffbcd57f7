ALTER TABLE `questions` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Every change of a question but its vote counter (a statement that moves the counter changes nothing else) raises its version.
CREATE TRIGGER `questions_version` AFTER UPDATE ON `questions` FOR EACH ROW
WHEN NEW.`version` = OLD.`version` AND NEW.`votes` = OLD.`votes`
BEGIN
  UPDATE `questions` SET `version` = OLD.`version` + 1 WHERE `id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `sessions_version` AFTER UPDATE ON `sessions` FOR EACH ROW
WHEN NEW.`version` = OLD.`version`
BEGIN
  UPDATE `sessions` SET `version` = OLD.`version` + 1 WHERE `id` = NEW.`id`;
END;
--> statement-breakpoint
-- What a question shows with it (answers, commitments, follow-up) raises the question's version too.
CREATE TRIGGER `answers_insert_question_version` AFTER INSERT ON `answers` FOR EACH ROW
BEGIN
  UPDATE `questions` SET `version` = `version` + 1 WHERE `id` = NEW.`question_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `answers_update_question_version` AFTER UPDATE ON `answers` FOR EACH ROW
BEGIN
  UPDATE `questions` SET `version` = `version` + 1 WHERE `id` = NEW.`question_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `answers_delete_question_version` AFTER DELETE ON `answers` FOR EACH ROW
BEGIN
  UPDATE `questions` SET `version` = `version` + 1 WHERE `id` = OLD.`question_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `commitments_insert_question_version` AFTER INSERT ON `commitments` FOR EACH ROW
BEGIN
  UPDATE `questions` SET `version` = `version` + 1 WHERE `id` = NEW.`question_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `commitments_update_question_version` AFTER UPDATE ON `commitments` FOR EACH ROW
BEGIN
  UPDATE `questions` SET `version` = `version` + 1 WHERE `id` = NEW.`question_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `commitments_delete_question_version` AFTER DELETE ON `commitments` FOR EACH ROW
BEGIN
  UPDATE `questions` SET `version` = `version` + 1 WHERE `id` = OLD.`question_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `follow_ups_insert_question_version` AFTER INSERT ON `follow_ups` FOR EACH ROW
BEGIN
  UPDATE `questions` SET `version` = `version` + 1 WHERE `id` = NEW.`question_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `follow_ups_update_question_version` AFTER UPDATE ON `follow_ups` FOR EACH ROW
BEGIN
  UPDATE `questions` SET `version` = `version` + 1 WHERE `id` = NEW.`question_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `follow_ups_delete_question_version` AFTER DELETE ON `follow_ups` FOR EACH ROW
BEGIN
  UPDATE `questions` SET `version` = `version` + 1 WHERE `id` = OLD.`question_id`;
END;
