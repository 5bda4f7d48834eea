-- name: topic_records(region, period, run_key, topic_key)
-- The records of the month of one stored topic (topic_member, dangqun.topics) in the region and the caller's
-- scope, when the month was found from what run_key names: the texts the topic was found from, masked as
-- stored, oldest first.
-- grain: one row per record of the topic in the month
-- key: record_id
with

current_run as (
    select period
    from alert_run
    where run_key = :run_key and period = :period
),

final as (
    select m.record_id, m.received_at, m.town_name, m.center_name, m.request_text
    from topic_member m
    semi join current_run using (period)
    where m.region_code like :region || '%'
      and m.topic_key = :topic_key
      and m.this_month
)

select * from final
order by received_at, record_id
