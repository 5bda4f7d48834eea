-- name: topic_list(region, period, run_key)
-- The stored topics of 诉求内容 (topic_member, dangqun.topics) of the month with records in the region,
-- each counted within the region and the caller's scope: its records of the month, distinct residents, first
-- and last day, the similar records of the month before, its towns (most records first) and three example
-- texts; when the month was found from what run_key names. Biggest first.
-- grain: one row per topic with records of the month in the region
-- key: topic_key
with

current_run as (
    select period
    from alert_run
    where run_key = :run_key and period = :period
),

members as (
    select m.*
    from topic_member m
    semi join current_run using (period)
    where m.region_code like :region || '%'
),

towns as (
    select topic_key, list(town_name order by n desc, town_code) as towns
    from (
        select topic_key, town_name, min(town_code) as town_code, count(*) as n
        from members
        where this_month
        group by topic_key, town_name
    )
    group by topic_key
),

counted as (
    select
        m.topic_key,
        any_value(m.county_code) as county_code,
        any_value(m.label) as label,
        any_value(m.keywords) as keywords,
        bool_or(m.hot) as hot,
        any_value(m.severity) as severity,
        count(*) filter (where m.this_month) as count,
        count(distinct m.resident_hash) filter (where m.this_month) as residents,
        min(m.received_at) filter (where m.this_month) as first,
        max(m.received_at) filter (where m.this_month) as last,
        count(*) filter (where not m.this_month) as previous,
        count(distinct m.center_name) filter (where m.this_month) as centers,
        list(m.record_id order by m.received_at, m.record_id) filter (where m.this_month) as record_ids,
        -- the first texts, enough for three distinct examples (views pick them)
        list_slice(list(m.request_text order by m.received_at, m.record_id) filter (where m.this_month), 1, 20)
            as texts
    from members m
    group by m.topic_key
    having count(*) filter (where m.this_month) > 0
),

final as (
    select c.topic_key, c.county_code, k.region_name as county_name, c.label, c.keywords, c.hot, c.severity,
           c.count, c.residents, c.first, c.last, c.previous, c.centers, t.towns, c.record_ids, c.texts
    from counted c
    join towns t using (topic_key)
    left join regions k on k.region_code = c.county_code
)

select * from final
order by hot desc, count desc, topic_key
