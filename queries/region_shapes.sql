-- name: region_shapes(region, child_digits)
-- Boundaries a department imported (dangqun boundaries import) that a map of the region draws: the
-- region's own, those of the units one level below it, and those of the town and county it lies in (a
-- region without a shape has its centers drawn on the nearest one above). Shipped county shapes are not
-- here (dangqun.boundaries reads them from the package). The runner's scope applies: a county account
-- receives nothing outside its county.
-- grain: one row per region with an imported boundary
-- key: region_code
select
    region_code,
    region_name,
    level,
    geojson
from boundaries
where region_code in (rpad(left(:region, 6), 12, '0'), rpad(left(:region, 9), 12, '0'), rpad(:region, 12, '0'))
   or (:child_digits > 0
       and starts_with(region_code, :region)
       and region_code = rpad(left(region_code, :child_digits), 12, '0'))
order by region_code
