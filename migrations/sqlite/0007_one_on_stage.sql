-- Before the index: a session that somehow has two questions on stage keeps the one it shows (else the latest), the others go back to the queue.
UPDATE questions SET status = 'approved'
WHERE status = 'on_stage'
  AND id <> coalesce(
    (SELECT s.stage_question_id FROM sessions s JOIN questions q2 ON q2.id = s.stage_question_id AND q2.status = 'on_stage' WHERE s.id = questions.session_id),
    (SELECT max(q3.id) FROM questions q3 WHERE q3.session_id = questions.session_id AND q3.status = 'on_stage')
  );--> statement-breakpoint
CREATE UNIQUE INDEX `questions_one_on_stage` ON `questions` (`session_id`) WHERE status = 'on_stage';
