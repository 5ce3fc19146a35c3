-- The staff pages' queries: candidate search by name and e-mail prefix
-- (lower() is what the query compares), and the expiring-certifications
-- report by expiry day.
CREATE INDEX candidates_name_search ON candidates (lower(name), id);
CREATE INDEX candidates_email_search ON candidates (lower(email));
CREATE INDEX certifications_expiry ON certifications (expires_on);
