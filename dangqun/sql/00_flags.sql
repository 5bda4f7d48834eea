-- The SQL behind the named queries (queries/*.sql), in the order it builds up (dangqun.db.ensure_schema
-- runs dangqun/schema.sql, then rollups.sql's tables, then the numbered files here in name order):
--
--   schema.sql        tables: service_records, centers, funds, activities, regions, catalog, …
--   00_flags.sql      flagged_records: each record with the flags the counts count (the one definition
--                     of each flag); the only SQL the rollups are built from
--   rollups.sql       rollup_* tables, refreshed from flagged_records by dangqun.rollups; their version is
--                     a hash of rollups.sql and this file (dangqun.rollups.version), so a change to either
--                     (not to a comment) rebuilds them when a database is opened
--   10_filters.sql    the window and filters: overdue_at, rollup_overdue, whole_months, is_night, off_days,
--                     filtered_records → ab_records, region_centers, filtered_funds → funds_by,
--                     filtered_activities, searched_record_ids
--   20_counts.sql     counts to be summed, from the rollups for whole months (rollup_counts), else from
--                     filtered_records: category_channel_counts → record_counts → center_record_counts →
--                     unit_record_counts → unit_funds (with filtered_funds); unit_of, unit_names → unit_name;
--                     item_name, category_name; item_counts, group_counts, late_records
--
-- Names inside a macro are bound where the macro is called, so the runner's scope views
-- (dangqun.db.scoped_cursor) apply to them too. Parameters: p_region is a region-code prefix ('' for all),
-- p_start/p_end inclusive dates, p_category a 2-digit 大类编码 ('' for all), p_channel a 受理渠道 ('' for all).
-- A new count metric: README「新增计数指标」.

-- grain: one row per service record, with the flags the metrics count (count_if them;
-- the rates are computed in dangqun.metrics). The one definition of each flag: filtered_records and
-- the rollups (rollups.sql) both read it.
-- 有效回访 needs both 是否有效回访 and 是否纳入考核; 联系/解决/满意 count only within 有效回访.
-- 超期 depends on the window's end, so it is is_closed_late here and is_overdue in filtered_records.
create or replace macro flagged_records() as table
    select
        r.*,
        left(r.item_code, 2) as category_code,
        date_trunc('month', r.received_at)::date as month,
        (r.status = '已办结') as is_closed,
        coalesce(r.status = '已办结' and r.closed_at::date <= r.due_on, false) as is_on_time,
        coalesce(r.status = '已办结' and r.closed_at::date > r.due_on, false) as is_closed_late,
        (r.status in ('待受理', '办理中', '延期')) as is_open,
        coalesce(r.survey_valid and r.in_assessment, false) as is_valid,
        coalesce(r.survey_valid and r.in_assessment and r.contacted, false) as is_contacted,
        coalesce(r.survey_valid and r.in_assessment and r.solved, false) as is_solved,
        coalesce(r.survey_valid and r.in_assessment and r.satisfaction = '满意', false) as is_satisfied,
        coalesce(r.survey_valid and r.in_assessment and r.satisfaction = '基本满意', false) as is_basic,
        coalesce(r.survey_valid and r.in_assessment and r.satisfaction = '不满意', false) as is_unsatisfied,
        coalesce(r.is_proxy, false) as is_proxy_case,
        coalesce(r.origin = '未诉先办', false) as is_proactive
    from service_records r;
