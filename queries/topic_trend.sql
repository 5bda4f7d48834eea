-- name: topic_trend(region, start, end, words)
-- A topic's months (the 热点 section's trend): per month of start..end, the records of the region whose
-- 诉求内容 holds every one of `words` (the topic's heaviest keywords), and all the records with 诉求内容. A
-- month's topics are found from that month's texts alone; this counts the same words in every month, so
-- the months compare.
-- grain: one row per month of the window with 诉求内容
-- key: month
with

-- the records themselves, not filtered_records: its late-case flags are not needed, and at 20M records a
-- county's six months read half as fast through it
texts as (
    select date_trunc('month', r.received_at)::date as month, r.request_text
    from service_records r
    join centers c using (center_id)
    where c.region_code like :region || '%'
      and r.received_at >= :start::timestamp
      and r.received_at < (:end::date + 1)::timestamp
      and r.request_text is not null
),

final as (
    select
        month,
        -- a label's first two words (views.services.trend_words): one or two
        count(*) filter (where contains(request_text, (:words::varchar[])[1])
                           and contains(request_text, coalesce((:words::varchar[])[2], ''))) as matching,
        count(*) as texts
    from texts
    group by month
)

select * from final
order by month
