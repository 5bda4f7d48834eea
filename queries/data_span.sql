-- name: data_span()
-- The first and latest day with service records: periods are anchored on the latest month in the data.
-- grain: one row
-- key: none (one row)
with

final as (
    select min(received_at)::date as first_day, max(received_at)::date as last_day
    from service_records
)

select * from final
