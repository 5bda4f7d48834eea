-- name: audit_login_state(user_name)
-- The lockout state of one login name (dangqun.auth.login): when it was last locked, how many
-- wrong passwords were given in a row since its last successful login or its last lockout, and how
-- many refused attempts on the locked name have a row of their own since that lockout (and the time
-- of the last such row), from which the audit of a login flood is thinned.
-- grain: one row
-- key: none (one row)
with

events as (
    select audit_id, logged_at, action, result
    from audit_log
    where user_name = :user_name and action in ('login_ok', 'login_failed', 'lockout')
),

last_reset as (
    select max(audit_id) as reset_id, max(audit_id) filter (where action = 'lockout') as lockout_id
    from events
    where action in ('login_ok', 'lockout')
),

refused_since_lockout as (
    select count(*) as refused_rows, max(logged_at) as last_refused_at
    from events, last_reset
    where action = 'login_failed' and result = 'locked' and audit_id > lockout_id
),

final as (
    select
        (select max(logged_at) from events where action = 'lockout') as locked_at,
        (select count(*) from events, last_reset
         where action = 'login_failed' and result = 'bad_credentials'
           and (reset_id is null or audit_id > reset_id)) as failures,
        refused_rows,
        last_refused_at
    from refused_since_lockout
)

select * from final
