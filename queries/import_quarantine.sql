-- name: import_quarantine(import_id)
-- 数据导入: the rows one import put in quarantine, with row number, column and reason (one row per
-- row and reason, as the importer reports them); raw is the row as JSON with personal fields masked.
-- grain: one row per quarantined row and reason
-- key: row_number, column_name, reason
with

quarantined_rows as (
    select * from quarantine where import_id = :import_id
),

final as (
    select
        file_name,
        row_number,
        column_name,
        reason,
        center_id,
        raw
    from quarantined_rows
)

select * from final
order by row_number, column_name
