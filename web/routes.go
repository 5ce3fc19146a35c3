package web

// routes is every page: New registers it. One handler per file.
var routes = []route{
	{"GET", "/{$}", home},
	{"GET", "/static/{file}", static},

	// The candidate's own pages (candidate*.go, me*.go, book*.go,
	// appointment*.go); staff see the same pages of a candidate under
	// /staff/candidates/{cid}/, and app decides who may see whom.
	{"GET", "/me", meDashboard},
	{"GET", "/me/results/{result}", meResult},
	{"GET", "/me/credentials", meCredentials},
	{"GET", "/me/credentials/{file}", meCredentialJWT},
	{"GET", "/me/settings", meSettings},
	{"POST", "/me/preferences", mePreferences},
	{"POST", "/me/calendar", meCalendar},
	{"GET", "/me/timeline", meTimeline},
	{"GET", "/me/book", bookPage},
	{"POST", "/me/book", bookPost},
	{"GET", "/me/appointments/{ap}", appointmentPage},
	{"POST", "/me/appointments/{ap}/cancel", appointmentCancel},
	{"POST", "/me/appointments/{ap}/reschedule", appointmentReschedule},
	{"GET", "/staff/candidates/{cid}/overview", meDashboard},
	{"GET", "/staff/candidates/{cid}/results/{result}", meResult},
	{"GET", "/staff/candidates/{cid}/credentials", meCredentials},
	{"GET", "/staff/candidates/{cid}/credentials/{file}", meCredentialJWT},
	{"GET", "/staff/candidates/{cid}/settings", meSettings},
	{"POST", "/staff/candidates/{cid}/preferences", mePreferences},
	{"POST", "/staff/candidates/{cid}/calendar", meCalendar},
	{"GET", "/staff/candidates/{cid}/timeline", meTimeline},
	{"GET", "/staff/candidates/{cid}/book", bookPage},
	{"POST", "/staff/candidates/{cid}/book", bookPost},
	{"GET", "/staff/candidates/{cid}/appointments/{ap}", appointmentPage},
	{"POST", "/staff/candidates/{cid}/appointments/{ap}/cancel", appointmentCancel},
	{"POST", "/staff/candidates/{cid}/appointments/{ap}/reschedule", appointmentReschedule},
}
