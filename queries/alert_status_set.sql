-- name: alert_status_set(alert_key, rule, unit_code, subject, period, status, note, updated_by, updated_at)!
-- Record an official's status and note on one alert (dangqun.alerts.set_status), replacing the last one;
-- the history is in the audit log.
-- grain: writes one row of alert_status
-- key: none (writes)
insert or replace into alert_status
    (alert_key, rule, unit_code, subject, period, status, note, updated_by, updated_at)
values (:alert_key, :rule, :unit_code, :subject, :period, :status, :note, :updated_by, :updated_at)
