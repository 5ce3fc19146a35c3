-- The staff pages' queries: candidate search by name and e-mail prefix
-- (compared as lower(...) COLLATE "C", so a prefix is a byte range), and the
-- expiring-certifications report by expiry day.
CREATE INDEX candidates_name_search ON candidates ((lower(name) COLLATE "C"), id);
CREATE INDEX candidates_email_search ON candidates ((lower(email) COLLATE "C"));
CREATE INDEX certifications_expiry ON certifications (expires_on);
