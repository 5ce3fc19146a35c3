package httpapi

import "strings"

// route is one operation of the API. path is both a ServeMux pattern and
// an OpenAPI path template: the two syntaxes agree for plain {name}
// wildcards, which is all this API uses.
type route struct {
	method string
	path   string
	public bool // served without a token
	handle handler
}

// wildcards are the names of the path's {name} segments.
func (rt route) wildcards() []string {
	var out []string
	for _, seg := range strings.Split(rt.path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, strings.Trim(seg, "{}"))
		}
	}
	return out
}

// routes is the API. It is the only list of routes: New registers it,
// openapi_test checks it against openapi.json in both directions, and the
// role test refuses to pass while a route has no row in its table.
// GET /metrics alone is outside it (see Options.Metrics): it is
// Prometheus' text, unauthenticated, and not part of the JSON API.
//
// A wildcard named {secret} or {token} holds a credential (a calendar
// feed's secret URL): the request log shows the wildcard, not its value.
var routes = []route{
	{"GET", "/healthz", true, healthz},
	{"GET", "/openapi.json", true, openAPI},
	{"GET", "/.well-known/did.json", true, didDocument},
	{"GET", "/.well-known/jwks.json", true, jwks},
	{"GET", "/status/{purpose}", true, statusList},
	{"POST", "/v1/verify", true, verifyCredential},
	{"POST", "/v1/verify/batch", true, verifyBatch},
	{"POST", "/v1/verify/roster", true, verifyRoster},

	{"POST", "/v1/programs", false, uploadProgram},
	{"GET", "/v1/programs", false, listPrograms},
	{"POST", "/v1/programs/{id}/versions/{version}/activate", false, activateProgram},
	{"GET", "/v1/programs/{id}/versions/{version}", false, getProgramVersion},
	{"GET", "/v1/programs/{id}/definition", false, programDefinition},

	{"POST", "/v1/candidates", false, createCandidate},
	{"GET", "/v1/candidates", false, listCandidates},
	{"GET", "/v1/candidates/{id}", false, getCandidate},
	{"PATCH", "/v1/candidates/{id}", false, patchCandidate},
	{"GET", "/v1/candidates/{id}/standing", false, standing},
	{"GET", "/v1/candidates/{id}/fees", false, listFees},
	{"GET", "/v1/candidates/{id}/certifications/{cert}/plan", false, plan},
	{"GET", "/v1/candidates/{id}/certifications/{cert}/options", false, recertifyOptions},
	{"POST", "/v1/candidates/{id}/decide", false, decide},
	{"POST", "/v1/candidates/{id}/certifications/{cert}/revoke", false, revoke},
	{"GET", "/v1/candidates/{id}/credentials", false, listCredentials},
	{"GET", "/v1/credentials/{id}", false, getCredential},
	{"GET", "/v1/credentials/{id}/jwt", false, credentialJWT},
	{"POST", "/v1/credentials/{id}/revoke", false, revokeCredential},
	{"POST", "/v1/credentials/{id}/suspend", false, suspendCredential},
	{"POST", "/v1/credentials/{id}/reinstate", false, reinstateCredential},
	{"GET", "/v1/candidates/{id}/preferences", false, getPreferences},
	{"PUT", "/v1/candidates/{id}/preferences", false, putPreferences},
	{"POST", "/v1/candidates/{id}/calendar", false, createCalendar},
	{"DELETE", "/v1/candidates/{id}/calendar", false, deleteCalendar},
	{"GET", "/calendar/{secret}", true, calendarFeed},

	{"POST", "/v1/centers", false, createCenter},
	{"GET", "/v1/centers", false, listCenters},
	{"GET", "/v1/centers/{id}", false, getCenter},
	{"PATCH", "/v1/centers/{id}", false, patchCenter},

	{"POST", "/v1/appointments", false, book},
	{"GET", "/v1/appointments", false, listAppointments},
	{"GET", "/v1/appointments/{id}", false, getAppointment},
	{"POST", "/v1/appointments/{id}/cancel", false, cancel},
	{"POST", "/v1/appointments/{id}/reschedule", false, reschedule},
	{"POST", "/v1/appointments/{id}/no-show", false, noShow},
	{"POST", "/v1/appointments/{id}/medical-refund", false, medicalRefund},

	{"POST", "/v1/results", false, recordResult},
	{"GET", "/v1/results/{id}", false, getResult},

	{"GET", "/v1/notifications", false, listNotifications},
	{"GET", "/v1/notifications/{id}", false, getNotification},

	{"POST", "/v1/webhooks", false, createWebhook},
	{"GET", "/v1/webhooks", false, listWebhooks},
	{"GET", "/v1/webhooks/{id}", false, getWebhook},
	{"PATCH", "/v1/webhooks/{id}", false, patchWebhook},
	{"DELETE", "/v1/webhooks/{id}", false, deleteWebhook},
	{"POST", "/v1/webhooks/{id}/rotate-secret", false, rotateWebhookSecret},
	{"GET", "/v1/webhooks/{id}/deliveries", false, webhookDeliveries},

	{"POST", "/v1/tokens", false, createToken},
	{"GET", "/v1/tokens", false, listTokens},
	{"GET", "/v1/tokens/{id}", false, getToken},
	{"DELETE", "/v1/tokens/{id}", false, revokeToken},
}
