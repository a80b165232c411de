-- name: derived_marked
-- description: Every figure is either printed (with its printed form) or derived (with its formula), never both or neither; unresolved figures carry candidates and a note
-- tolerance: 0
SELECT release_id, table_name, period, as_of, item, value, printed, derived, placement
FROM figures
WHERE (printed IS NULL) = (derived IS NULL)
   OR (placement = 'derived') <> (derived IS NOT NULL)
   OR (placement = 'unresolved' AND (label IS NULL OR note IS NULL));
