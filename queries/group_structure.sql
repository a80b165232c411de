-- title: IIJ group structure
-- description: Group companies with relationship and ownership as printed; companies whose relationship the release text does not tie to them show NULL (candidates in the table unresolved).
-- company: iij
SELECT name AS company, relationship, ownership_pct, placement, note
FROM subsidiaries
ORDER BY ownership_pct DESC NULLS LAST, name;
