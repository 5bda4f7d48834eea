-- name: service_groups(region, start, end, category, channel)
-- Whom the centers serve: cases received per 人群标签 (新就业群体, 老年人, …; a missing tag as
-- 未注明人群), with how many were closed and handled by proxy.
-- grain: one row per group tag with records in the window
-- key: group_tag
with

counts as (
    select * from group_counts(:region, :start, :end, :category, :channel)
),

final as (
    select
        coalesce(group_tag, '未注明人群') as group_tag,
        -- each count of group_counts summed under its own name
        sum(columns(* exclude (center_id, month, category_code, group_tag)))::bigint
    from counts
    group by 1
)

select * from final
order by received desc, group_tag
