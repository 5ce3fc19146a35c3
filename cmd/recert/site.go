package main

import "net/http"

// apiPaths are the paths the JSON API answers: its routes' prefixes, and
// GET /metrics. site_test.go checks every path of the OpenAPI document
// reaches the API.
var apiPaths = []string{"/v1/", "/.well-known/", "/status/", "/calendar/", "/healthz", "/openapi.json", "/metrics"}

// site joins the two siblings over app: the JSON API and the pages. Each
// answers its own paths; neither knows of the other.
func site(api, pages http.Handler) http.Handler {
	mux := http.NewServeMux()
	for _, p := range apiPaths {
		mux.Handle(p, api)
	}
	mux.Handle("/", pages)
	return mux
}
