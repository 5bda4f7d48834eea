-- name: region_options()
-- Regions an official can pick in the sidebar: those with at least one service center at or below them.
-- grain: one row per region
-- key: region_code
with

center_codes as (
    select distinct region_code from centers
),

ancestors as (
    -- every level's code above (and at) each center's region: prefixes padded back to 12 digits
    select distinct rpad(left(region_code, digits), 12, '0') as region_code
    from center_codes, unnest([2, 4, 6, 9, 12]) as t(digits)
),

final as (
    select
        r.region_code,
        r.region_name,
        list_position(['省', '市', '县', '乡镇街道', '村社区'], r.level) - 1 as level_no,
        r.parent_code
    from regions r
    join ancestors using (region_code)
)

select * from final
order by region_code
