-- name: audit_users()
-- 审计日志: every user name that appears in the audit trail, for the page's user filter.
-- grain: one row per user name
-- key: user_name
with

final as (
    select user_name, count(*) as audit_rows
    from audit_log
    group by user_name
)

select * from final
order by user_name
