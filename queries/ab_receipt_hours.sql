-- name: ab_receipt_hours(region, start, end, category, channel, off_days)
-- When cases are received, for 服务办理's 24 小时服务（AB岗）: the receipts of the window and filters by the
-- center's 是否24小时AB岗 (centers.has_ab_post, a missing value as 否), whether the day is a 节假日 and the
-- weekday (1 = 周一 … 7 = 周日) and hour (0–23) of receipt. A 节假日 is a day of off_days: the window's
-- non-working days by dangqun.workdays (weekends and statutory holidays; a 调休 working Saturday is not one,
-- a weekday of the National Day break is), as comma-separated ISO dates (dangqun.workdays.off_days).
-- 夜间 (20:00–08:00) and 工作时间 are read from the hour (dangqun.views.services.is_night).
-- grain: one row per center kind (AB岗 or not) × 节假日 or not × weekday × hour with receipts
-- key: ab_post, holiday, weekday, hour
with

records as (
    select * from ab_records(:region, :start, :end, :category, :channel)
),

-- counted by the hour first (a few thousand rows for a year), then each hour given its day's kind
hourly as (
    select ab_post, date_trunc('hour', received_at) as at_hour, count(*) as received
    from records
    group by all
),

final as (
    select
        h.ab_post,
        o.day is not null as holiday,
        isodow(h.at_hour) as weekday,
        hour(h.at_hour) as hour,
        sum(h.received)::bigint as received
    from hourly h
    left join off_days(:off_days) o on o.day = h.at_hour::date
    group by all
)

select * from final
order by ab_post desc, holiday, weekday, hour
