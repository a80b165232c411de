-- title: Balance sheet changes
-- description: Balance sheet lines at the latest balance sheet date of the vintage and at the date its printed changes compare with (for the 2Q06 release: September 30 and March 31, 2006), with the printed change and the recomputed one (JPY million).
-- company: iij
WITH later AS (
    SELECT max(as_of) AS d FROM balance_sheet WHERE comparison = 'level'
), dates AS (
    SELECT l.d AS later,
           coalesce((SELECT max(compared_to) FROM balance_sheet WHERE as_of = l.d AND comparison = 'change_abs'),
                    (SELECT max(as_of) FROM balance_sheet WHERE comparison = 'level' AND as_of < l.d)) AS earlier
    FROM later l
)
SELECT min(b.label) AS item,
       d.earlier AS earlier_date,
       max(b.value) FILTER (WHERE b.as_of = d.earlier AND b.comparison = 'level') AS earlier,
       d.later AS later_date,
       max(b.value) FILTER (WHERE b.as_of = d.later AND b.comparison = 'level') AS later,
       max(b.value) FILTER (WHERE b.as_of = d.later AND b.comparison = 'change_abs' AND b.compared_to = d.earlier) AS change_printed,
       max(b.value) FILTER (WHERE b.as_of = d.later AND b.comparison = 'level')
         - max(b.value) FILTER (WHERE b.as_of = d.earlier AND b.comparison = 'level') AS change_computed
FROM balance_sheet b CROSS JOIN dates d
GROUP BY b.item, d.earlier, d.later
ORDER BY list_position(['cash', 'available_for_sale_securities', 'borrowings', 'common_stock',
    'additional_paid_in_capital', 'accumulated_deficit', 'accumulated_other_comprehensive_income',
    'total_shareholders_equity'], b.item);
