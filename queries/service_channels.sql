-- name: service_channels(region, start, end, category, channel)
-- How cases arrive: cases received per 受理渠道 (a missing channel as 未注明渠道), with how many of
-- them were handled by proxy (代办) and were found before anyone asked (未诉先办).
-- grain: one row per channel with records in the window
-- key: channel
with

records as (
    select * from category_channel_counts(:region, :start, :end, :category, :channel)
),

final as (
    select
        coalesce(channel, '未注明渠道') as channel,
        -- each count summed under its own name
        sum(columns(lambda c: c in ('received', 'proxy', 'proactive')))::bigint
    from records
    group by 1
)

select * from final
order by received desc, channel
