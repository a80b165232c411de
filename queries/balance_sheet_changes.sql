-- title: Balance sheet changes
-- description: Balance sheet lines at March 31, 2006 and September 30, 2006 with the printed change and the recomputed one (JPY million).
SELECT label AS item,
       max(value) FILTER (WHERE as_of = DATE '2006-03-31' AND comparison = 'level') AS mar_31_2006,
       max(value) FILTER (WHERE as_of = DATE '2006-09-30' AND comparison = 'level') AS sep_30_2006,
       max(value) FILTER (WHERE comparison = 'change_abs') AS change_printed,
       max(value) FILTER (WHERE as_of = DATE '2006-09-30' AND comparison = 'level')
         - max(value) FILTER (WHERE as_of = DATE '2006-03-31' AND comparison = 'level') AS change_computed
FROM balance_sheet
GROUP BY item, label
ORDER BY list_position(['cash', 'available_for_sale_securities', 'borrowings', 'common_stock',
    'additional_paid_in_capital', 'accumulated_deficit', 'accumulated_other_comprehensive_income',
    'total_shareholders_equity'], item);
