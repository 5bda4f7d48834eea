-- name: alert_place_names(region)
-- The place names the 热点 rule's word cutting keeps whole (dangqun.keywords): every region of the
-- region dictionary under the region looked at that holds a center the caller may see (so a scope reads
-- no other place's names), by its full name (孤山镇, 大鹿岛村).
-- grain: one row per region name under the region with centers in scope
-- key: region_name
with

final as (
    select distinct r.region_name
    from regions r
    where r.region_code like :region || '%'
      and length(r.region_name) >= 2
      and exists (
          select 1 from centers c
          where starts_with(c.region_code, substr(r.region_code, 1, case r.level
              when '省' then 2 when '市' then 4 when '县' then 6 when '乡镇街道' then 9 else 12 end))
      )
)

select * from final
order by region_name
