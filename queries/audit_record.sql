-- name: audit_record(logged_at, user_name, action, target, detail, result)!
-- Append one row to the audit trail (dangqun.audit.record); the only statement that writes audit_log.
-- grain: one row appended per call
-- key: none (writes)
insert into audit_log (logged_at, user_name, action, target, detail, result)
values (:logged_at, :user_name, :action, :target, :detail, :result)
