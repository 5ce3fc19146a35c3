package web

// routes is every page: New registers it. One handler per file.
var routes = []route{
	{"GET", "/{$}", home},
	{"GET", "/static/{file}", static},
}
