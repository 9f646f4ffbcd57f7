ALTER TABLE "questions" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Every change of a question but its vote counter (a statement that moves the counter changes nothing else) raises its version.
CREATE FUNCTION "ln_bump_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version = OLD.version THEN
    NEW.version := OLD.version + 1;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "questions_version" BEFORE UPDATE ON "questions" FOR EACH ROW WHEN (NEW.votes = OLD.votes) EXECUTE FUNCTION "ln_bump_version"();--> statement-breakpoint
CREATE TRIGGER "sessions_version" BEFORE UPDATE ON "sessions" FOR EACH ROW EXECUTE FUNCTION "ln_bump_version"();
--> statement-breakpoint
-- What a question shows with it (answers, commitments, follow-up) raises the question's version too.
CREATE FUNCTION "ln_bump_question_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE questions SET version = version + 1 WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.question_id ELSE NEW.question_id END);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "answers_question_version" AFTER INSERT OR UPDATE OR DELETE ON "answers" FOR EACH ROW EXECUTE FUNCTION "ln_bump_question_version"();
--> statement-breakpoint
CREATE TRIGGER "commitments_question_version" AFTER INSERT OR UPDATE OR DELETE ON "commitments" FOR EACH ROW EXECUTE FUNCTION "ln_bump_question_version"();
--> statement-breakpoint
CREATE TRIGGER "follow_ups_question_version" AFTER INSERT OR UPDATE OR DELETE ON "follow_ups" FOR EACH ROW EXECUTE FUNCTION "ln_bump_question_version"();
