package verify

// ForgetVerdicts empties the cache's remembered VC-JWT and Data Integrity
// verdicts, so that a benchmark can time the signature check with
// everything else cached.
func ForgetVerdicts(c *Cache) {
	c.mu.Lock()
	clear(c.jwts)
	clear(c.proofs)
	c.mu.Unlock()
}
