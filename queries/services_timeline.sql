-- title: Services timeline
-- description: Services introduced or enhanced, by date of introduction; four dates are printed apart from their services and stay unresolved (NULL date).
-- company: iij
SELECT introduced_on, service, kind, category, description
FROM services
ORDER BY introduced_on NULLS LAST, service;
