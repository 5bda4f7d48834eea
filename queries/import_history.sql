-- name: import_history(limit)
-- 数据导入: the latest imports (processed or rejected files), newest first, with their counts.
-- grain: one row per imported file
-- key: import_id
with

log as (
    select * from import_log
),

final as (
    select
        import_id,
        imported_at,
        file_name,
        kind,
        encoding,
        rows_read,
        imported,
        updated,
        duplicates,
        quarantined,
        status,
        message,
        imported_by
    from log
)

select * from final
order by import_id desc
limit :limit
