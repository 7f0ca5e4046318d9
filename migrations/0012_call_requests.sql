-- Phone call-backs are called what people call them: call requests. The tables are
-- renamed (SQLite carries indexes, foreign keys and the AUTOINCREMENT sequence with
-- them), and the anonymous daily counts follow so /stats keeps its history.
ALTER TABLE callback_tasks RENAME TO call_requests;
ALTER TABLE callback_task_messages RENAME TO call_request_messages;
ALTER TABLE callback_task_lists RENAME TO call_request_lists;
UPDATE daily_counts SET metric = 'call_requests_' || substr(metric, length('callbacks_') + 1)
WHERE metric LIKE 'callbacks\_%' ESCAPE '\';

-- The indexes keep their definitions under the new names.
DROP INDEX callback_tasks_one_open;
DROP INDEX callback_tasks_resident;
DROP INDEX callback_tasks_volunteer;
DROP INDEX callback_tasks_unclaimed;
DROP INDEX callback_tasks_purge;
DROP INDEX callback_task_messages_task;
CREATE UNIQUE INDEX call_requests_one_open ON call_requests (resident_id)
    WHERE status IN ('open', 'claimed');
CREATE INDEX call_requests_resident ON call_requests (resident_id);
CREATE INDEX call_requests_volunteer ON call_requests (volunteer_id)
    WHERE volunteer_id IS NOT NULL;
CREATE INDEX call_requests_unclaimed ON call_requests (opened_at)
    WHERE status = 'open' AND unclaimed_alerted_at IS NULL;
CREATE INDEX call_requests_purge ON call_requests (closed_at)
    WHERE purged_at IS NULL AND closed_at IS NOT NULL;
CREATE INDEX call_request_messages_task ON call_request_messages (task_id);
