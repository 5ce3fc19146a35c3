package web

// routes is every page: New registers it. One handler per file.
var routes = []route{
	{"GET", "/{$}", home},
	{"GET", "/static/{file}", static},
	// Staff pages (staff and admin; app refuses anyone else).
	{"GET", "/staff", staffHome},
	{"GET", "/staff/programs", programs},
	{"GET", "/staff/programs/upload", programUploadForm},
	{"POST", "/staff/programs/upload", programUpload},
	{"GET", "/staff/programs/compare", programCompare},
	{"GET", "/staff/programs/{id}/{version}", programSource},
	{"POST", "/staff/programs/{id}/{version}/activate", programActivate},
	{"GET", "/staff/candidates", staffCandidates},
	{"GET", "/staff/candidates/{id}/history", staffHistory},
	{"GET", "/staff/calendar", staffCalendar},
	{"GET", "/staff/notifications", staffNotifications},
	{"GET", "/staff/webhooks", staffWebhooks},
	{"GET", "/staff/webhooks/{id}/deliveries", staffDeliveries},
	{"GET", "/staff/reports", reports},
	{"GET", "/staff/reports/expiring", reportExpiring},
	{"GET", "/staff/reports/expiring.csv", reportExpiring},
	{"GET", "/staff/reports/pass-rates", reportPassRates},
	{"GET", "/staff/reports/pass-rates.csv", reportPassRates},
	{"GET", "/staff/reports/domain-pass-rates.csv", reportPassRates},
	{"GET", "/staff/reports/appointments", reportAppointments},
	{"GET", "/staff/reports/appointments.csv", reportAppointments},
}
