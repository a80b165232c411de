-- title: Connectivity KPIs
-- description: Connectivity revenues, dedicated access contracts and total contracted bandwidth per quarter, with connectivity revenue per contracted Gbps (JPY million per Gbps). Bandwidth for quarters the release does not pin down is in the table unresolved; derived contract counts are marked.
-- company: iij
-- chart: bar x=quarter y=connectivity_revenues y2=contracted_bandwidth_gbps
WITH rev AS (
    SELECT period, max(value) AS connectivity_revenues
    FROM revenue_lines WHERE line = 'connectivity' AND measure = 'amount' AND comparison = 'level'
    GROUP BY ALL
), k AS (
    SELECT period,
           max(value) FILTER (WHERE item = 'dedicated_access_contracts') AS dedicated_access_contracts,
           bool_or(derived IS NOT NULL) FILTER (WHERE item = 'dedicated_access_contracts') AS contracts_derived,
           max(value) FILTER (WHERE item = 'contracted_bandwidth') AS contracted_bandwidth_gbps
    FROM kpis WHERE comparison = 'level'
    GROUP BY ALL
)
SELECT r.period AS quarter, r.connectivity_revenues, k.dedicated_access_contracts, k.contracts_derived,
       k.contracted_bandwidth_gbps,
       round(r.connectivity_revenues / k.contracted_bandwidth_gbps, 2) AS revenue_per_gbps
FROM rev r
JOIN periods p ON p.period = r.period AND p.kind = 'quarter'
LEFT JOIN k ON k.period = r.period
ORDER BY p.start_date;
