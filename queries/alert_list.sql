-- name: alert_list(region, period, run_key)
-- The stored alerts of a month (alert_found, written by dangqun.alerts.ensure) whose unit lies under the
-- region (a code prefix), when they were found from what run_key names (the data version, the rules'
-- version, the configuration): the caller asked ensure() for that key, and a stale row is never read.
-- Only the rows of units in the caller's scope (the runner's alert_found view). The figures and the
-- explanation are templates with their values (args, JSON), put in the reader's language by
-- dangqun.alerts.localise.
-- grain: one row per alert of the month
-- key: alert_key
with

current_run as (
    select period
    from alert_run
    where period = :period and run_key = :run_key
),

final as (
    select
        a.alert_key,
        a.rule,
        a.severity,
        a.region_code as unit_code,
        a.unit_name,
        a.subject,
        a.subject_name,
        a.period,
        a.numbers_text,
        a.explanation_text,
        a.args,
        a.drill_page,
        a.drill_region,
        a.drill_item,
        a.p_value
    from alert_found a
    semi join current_run using (period)
    where starts_with(a.region_code, :region)
)

select * from final
order by alert_key
