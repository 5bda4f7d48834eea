-- name: audit_page(user_name, action, start, end, limit)
-- 审计日志 (admins only): the audit rows of the window, newest first, for one user and one action
-- when given ('' for all); at most limit rows.
-- grain: one row per audit row
-- key: audit_id
with

rows_in_window as (
    select *
    from audit_log
    where logged_at >= :start::date and logged_at < :end::date + 1
      and (:user_name = '' or user_name = :user_name)
      and (:action = '' or action = :action)
),

final as (
    select audit_id, logged_at, user_name, action, target, detail, result
    from rows_in_window
)

select * from final
order by logged_at desc, audit_id desc
limit :limit
