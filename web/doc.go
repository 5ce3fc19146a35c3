// Package web is recert's pages for people: candidates, staff, and anyone
// checking a credential. It is the JSON API's sibling over the same core
// (app), as in Miniflux: it never imports httpapi, and every permission it
// needs is app's, so a page can show only what the API would.
//
// Pages are html/template, rendered on the server; forms work without
// JavaScript, and htmx (embedded, pinned) only enhances them with partial
// updates. Every asset is embedded in the binary: nothing is fetched from
// another origin, and the Content-Security-Policy says so.
package web
