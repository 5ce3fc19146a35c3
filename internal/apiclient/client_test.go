package apiclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/calendar"
	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/keyring"
	"github.com/recert/recert/httpapi"
	"github.com/recert/recert/internal/apiclient"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
	"github.com/recert/recert/programs"
)

// TestEveryOperation serves the real API over a real SQLite database and
// walks a candidate's life through the generated client: every operation
// the served document lists must be called at least once and answer 2xx,
// with the body parsed into the client's typed field (the YAML definition
// download too). The list of operations comes from the document, so a new
// route fails here until the walk calls it.
//
// A new operation: regenerate the client (go generate ./internal/apiclient)
// and call it at the point of the walk where what it needs exists.
//
// Checked by leaving the token revocation out of the walk: the test fails
// and names revokeToken (DELETE /v1/tokens/{id}).
func TestEveryOperation(t *testing.T) {
	s := serve(t)
	ctx := t.Context()
	anon := s.client(t, "")
	c := s.client(t, s.admin)

	// The public operations, without a token.
	must(anon.HealthzWithResponse(ctx))(t)
	document := must(anon.OpenapiWithResponse(ctx))(t).Body
	must(anon.DidDocumentWithResponse(ctx))(t)
	must(anon.JwksWithResponse(ctx))(t)
	must(anon.StatusListWithResponse(ctx, apiclient.Revocation))(t)
	// Public verification: a credential that fails its checks is still an
	// answer (credential's and httpapi's tests verify issued ones).
	if v := must(anon.VerifyCredentialWithTextBodyWithResponse(ctx, nil, "a.b.c"))(t).JSON200; v == nil || v.State != apiclient.VerificationStateInvalid || v.FailedCheck == nil {
		t.Fatalf("verify: %+v", v)
	}
	if b := must(anon.VerifyBatchWithBodyWithResponse(ctx, nil, "application/json", strings.NewReader(`{"credentials":["a.b.c"]}`)))(t).JSON200; b == nil || len(b.Items) != 1 || b.Items[0].State != apiclient.VerificationStateInvalid {
		t.Fatalf("verify batch: %+v", b)
	}
	if rows := must(anon.VerifyRosterWithBodyWithResponse(ctx, nil, "text/csv", strings.NewReader("name,credential\nAda,a.b.c\n")))(t).Body; !bytes.HasPrefix(rows, []byte("row,name,email,credential,state")) {
		t.Fatalf("roster: %s", rows)
	}
	ops := operations(t, document)

	// A new version of the program: uploaded as YAML, activated, and
	// downloaded byte for byte.
	source := bytes.Replace(programs.AWS, []byte(`version: "2026.11.1"`), []byte(`version: "2027.1.0"`), 1)
	uploaded := must(c.UploadProgramWithBodyWithResponse(ctx, nil, "application/yaml", bytes.NewReader(source)))(t).JSON201
	if uploaded.Id != "aws" || uploaded.Version != "2027.1.0" || uploaded.Active {
		t.Fatalf("upload: %+v", uploaded)
	}
	activated := must(c.ActivateProgramWithResponse(ctx, "aws", "2027.1.0", nil, apiclient.EmptyRequest{}))(t).JSON200
	if !activated.Active {
		t.Fatalf("activate: %+v", activated)
	}
	if v := must(c.GetProgramVersionWithResponse(ctx, "aws", "2027.1.0"))(t).JSON200; v == nil || v.Version != "2027.1.0" {
		t.Fatalf("program version: %+v", v)
	}
	def := must(c.ProgramDefinitionWithResponse(ctx, "aws"))(t)
	if !bytes.Equal(def.Body, source) || (*def.YAML200)["version"] != "2027.1.0" || (*def.YAML200)["id"] != "aws" {
		t.Fatalf("definition: the download is not the upload\n%.300s", def.Body)
	}
	if progs := must(c.ListProgramsWithResponse(ctx, nil))(t).JSON200; !slices.ContainsFunc(progs.Items, func(p apiclient.Program) bool { return p.Version == "2027.1.0" && p.Active }) {
		t.Fatalf("programs: %+v", progs.Items)
	}

	// A center and a candidate, each read and then changed with If-Match.
	must(c.CreateCenterWithResponse(ctx, nil, apiclient.CenterCreate{Id: ptr("tc-nyc"), Name: "New York", Seats: 2, TimeZone: ptr("America/New_York")}))(t)
	center := must(c.GetCenterWithResponse(ctx, "tc-nyc"))(t)
	patchedCenter := must(c.PatchCenterWithApplicationMergePatchPlusJSONBodyWithResponse(ctx, "tc-nyc",
		&apiclient.PatchCenterParams{IfMatch: center.HTTPResponse.Header.Get("ETag")}, apiclient.CenterPatch{Seats: ptr(3)}))(t).JSON200
	if patchedCenter.Seats != 3 || patchedCenter.Rev != center.JSON200.Rev+1 {
		t.Fatalf("center patch: %+v", patchedCenter)
	}
	if centers := must(c.ListCentersWithResponse(ctx, nil))(t).JSON200; len(centers.Items) != 1 || centers.Items[0].Seats != 3 {
		t.Fatalf("centers: %+v", centers.Items)
	}
	must(c.CreateCandidateWithResponse(ctx, nil, apiclient.CandidateCreate{Id: ptr("ada"), Name: "Ada Lovelace", Email: ptr("ada@example.com"), TimeZone: ptr("America/New_York")}))(t)
	cand := must(c.GetCandidateWithResponse(ctx, "ada"))(t)
	patchedCand := must(c.PatchCandidateWithResponse(ctx, "ada",
		&apiclient.PatchCandidateParams{IfMatch: cand.HTTPResponse.Header.Get("ETag")}, apiclient.CandidatePatch{Email: ptr("ada@example.org")}))(t).JSON200
	if patchedCand.Email != "ada@example.org" {
		t.Fatalf("candidate patch: %+v", patchedCand)
	}
	if cands := must(c.ListCandidatesWithResponse(ctx, nil))(t).JSON200; len(cands.Items) != 1 || cands.Items[0].Id != "ada" {
		t.Fatalf("candidates: %+v", cands.Items)
	}

	// A booking moved once and then cancelled in time.
	bookings := 0
	book := func(exam string, slot time.Time) apiclient.Appointment {
		t.Helper()
		bookings++
		return *must(c.BookWithResponse(ctx, &apiclient.BookParams{IdempotencyKey: ptr("book-" + strconv.Itoa(bookings))},
			apiclient.BookRequest{Candidate: "ada", Exam: exam, Center: "tc-nyc", Slot: slot}))(t).JSON201
	}
	first := book("CLF-C02", t0.Add(7*24*time.Hour+6*time.Hour))
	got := must(c.GetAppointmentWithResponse(ctx, first.Id))(t)
	moved := must(c.RescheduleWithResponse(ctx, first.Id, &apiclient.RescheduleParams{IfMatch: ptr(got.HTTPResponse.Header.Get("ETag"))},
		apiclient.RescheduleRequest{Slot: first.Slot.Add(7 * 24 * time.Hour)}))(t).JSON200
	if moved.Reschedules != 1 || !moved.Slot.Equal(first.Slot.Add(7*24*time.Hour)) {
		t.Fatalf("reschedule: %+v", moved)
	}
	if cancelled := must(c.CancelWithResponse(ctx, first.Id, nil, apiclient.EmptyRequest{}))(t).JSON200; cancelled.State != apiclient.AppointmentStateCancelled {
		t.Fatalf("cancel: %+v", cancelled)
	}

	// Two sittings the next day: one passed, one missed and then refunded
	// for a medical reason.
	sat := book("CLF-C02", t0.Add(30*time.Hour))
	missed := book("SAA-C03", t0.Add(32*time.Hour))
	if list := must(c.ListAppointmentsWithResponse(ctx, &apiclient.ListAppointmentsParams{Candidate: ptr("ada"), State: ptr(apiclient.ListAppointmentsParamsStateOpen)}))(t).JSON200; len(list.Items) != 2 {
		t.Fatalf("open appointments: %+v", list.Items)
	}
	s.clock.set(t0.Add(36 * time.Hour))
	r := must(c.RecordResultWithResponse(ctx, nil, apiclient.ResultRequest{Appointment: &sat.Id, ScaledScore: ptr(812)}))(t).JSON201
	if !r.Passed {
		t.Fatalf("result: %+v", r)
	}
	if got := must(c.GetResultWithResponse(ctx, r.Id))(t).JSON200; got == nil || got.Id != r.Id || got.ScaledScore != 812 {
		t.Fatalf("the result read back: %+v", got)
	}
	if ns := must(c.NoShowWithResponse(ctx, missed.Id, nil, apiclient.EmptyRequest{}))(t).JSON200; ns.State != apiclient.AppointmentStateMissed {
		t.Fatalf("no-show: %+v", ns)
	}
	must(c.MedicalRefundWithResponse(ctx, missed.Id, nil, apiclient.MedicalRefundRequest{Note: ptr("hospital letter")}))(t)

	// What the candidate holds now, and what the engine says about it.
	standing := must(c.StandingWithResponse(ctx, "ada"))(t).JSON200
	if len(standing.Certifications) != 1 || standing.Certifications[0].Certification != "cloud-practitioner" {
		t.Fatalf("standing: %+v", standing.Certifications)
	}
	if creds := must(c.ListCredentialsWithResponse(ctx, "ada", nil))(t).JSON200; creds == nil {
		t.Fatal("credentials: no page")
	}
	walkCredential(t, s, c, standing.Certifications[0].BasisDate.String())
	if fees := must(c.ListFeesWithResponse(ctx, "ada", nil))(t).JSON200; len(fees.Items) == 0 {
		t.Fatal("fees: none")
	}
	must(c.PlanWithResponse(ctx, "ada", "cloud-practitioner"))(t)
	must(c.RecertifyOptionsWithResponse(ctx, "ada", "cloud-practitioner"))(t)
	decision := must(c.DecideWithResponse(ctx, "ada", nil, apiclient.DecideRequest{Ask: apiclient.Ask{Action: apiclient.AskActionStatus, Certification: ptr("cloud-practitioner")}}))(t).JSON200
	if decision.State == nil || *decision.State != "active" {
		t.Fatalf("decide: %+v", decision)
	}
	must(c.RevokeCertificationWithResponse(ctx, "ada", "cloud-practitioner", nil, apiclient.RevokeRequest{Reason: "results invalidated by a security review"}))(t)

	walkReminders(t, s, c, anon)

	// A token made, listed and revoked.
	tok := must(c.CreateTokenWithResponse(ctx, nil, apiclient.TokenRequest{Role: apiclient.TokenRequestRoleStaff, Name: ptr("desk")}))(t).JSON201
	if toks := must(c.ListTokensWithResponse(ctx, nil))(t).JSON200; !slices.ContainsFunc(toks.Items, func(i apiclient.TokenInfo) bool { return i.Id == tok.Id }) {
		t.Fatalf("tokens: %+v", toks.Items)
	}
	if got := must(c.GetTokenWithResponse(ctx, tok.Id))(t).JSON200; got == nil || got.Id != tok.Id {
		t.Fatalf("token: %+v", got)
	}
	must(c.RevokeTokenWithResponse(ctx, tok.Id))(t)

	s.rec.checkCovered(t, ops)
}

// t0 is when the walk starts: a Tuesday inside the AWS program's catalogue.
var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// answer is what every generated response has.
type answer interface{ StatusCode() int }

// must checks that a call answered 2xx and that the client parsed the
// body into its typed field (JSON201, YAML200, ...) where the document
// gives the status one. It returns a function of t so that a call's two
// results can be passed straight in: must(c.XWithResponse(...))(t).
func must[R answer](r R, err error) func(t *testing.T) R {
	return func(t *testing.T) R {
		t.Helper()
		if err != nil {
			t.Fatalf("%T: %v", r, err)
		}
		v := reflect.ValueOf(r).Elem()
		body := v.FieldByName("Body").Bytes()
		if r.StatusCode()/100 != 2 {
			t.Fatalf("%T: %d\n%s", r, r.StatusCode(), body)
		}
		code := strconv.Itoa(r.StatusCode())
		for _, prefix := range []string{"JSON", "YAML"} {
			if f := v.FieldByName(prefix + code); f.IsValid() && f.IsNil() {
				t.Fatalf("%T: %d, but the client parsed no %s body\n%s", r, r.StatusCode(), prefix, body)
			}
		}
		return r
	}
}

func ptr[T any](v T) *T { return &v }

// server is the API over a fresh SQLite database, with a clock the walk
// moves by hand.
type server struct {
	url   string
	admin string
	clock *clock
	rec   *recorder
	app   *app.App
}

func serve(t *testing.T) *server {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "recert.db"))
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: t0}
	master := make([]byte, keyring.MasterKeySize)
	keys, err := credential.OpenKeys(context.Background(), store, master, "http://localhost", t0)
	if err != nil {
		t.Fatal(err)
	}
	var a *app.App
	verifier := credential.NewVerifier(keys, func(purpose string) ([]byte, error) {
		b, _, err := a.StatusList(context.Background(), purpose)
		return b, err
	})
	a = app.New(store, app.WithClock(clk.Now), app.WithCalendar(calendar.Encoder{}), app.WithIssuer(keys), app.WithCredentials(keys), app.WithVerifier(verifier))
	srv := httptest.NewServer(httpapi.New(a, httpapi.Options{}))
	t.Cleanup(func() {
		srv.Close()
		_ = store.Close()
	})
	admin, err := a.BootstrapAdmin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &server{url: srv.URL, admin: admin, clock: clk, rec: &recorder{next: srv.Client()}, app: a}
}

// client is a generated client that sends token (none when empty) and
// whose every exchange the recorder sees.
func (s *server) client(t *testing.T, token string) *apiclient.ClientWithResponses {
	t.Helper()
	opts := []apiclient.ClientOption{apiclient.WithHTTPClient(s.rec)}
	if token != "" {
		opts = append(opts, apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	}
	c, err := apiclient.NewClientWithResponses(s.url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}

// recorder is the clients' transport: it notes the method, path and
// status of every exchange, to match against the document's operations.
type recorder struct {
	next  apiclient.HttpRequestDoer
	mu    sync.Mutex
	calls []call
}

type call struct {
	method, path string
	status       int
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	res, err := r.next.Do(req)
	if err == nil {
		r.mu.Lock()
		r.calls = append(r.calls, call{req.Method, req.URL.Path, res.StatusCode})
		r.mu.Unlock()
	}
	return res, err
}

// operation is one method on one path of the document.
type operation struct {
	id, method, path string
}

func (o operation) String() string { return fmt.Sprintf("%s (%s %s)", o.id, o.method, o.path) }

// operations lists the document's operations.
func operations(t *testing.T, document []byte) []operation {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(document, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	methods := []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
	var out []operation
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !slices.Contains(methods, method) {
				continue // parameters, summary, ...
			}
			var op struct {
				OperationID string `json:"operationId"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("openapi.json: %s %s: %v", method, path, err)
			}
			out = append(out, operation{op.OperationID, strings.ToUpper(method), path})
		}
	}
	if len(out) == 0 {
		t.Fatal("openapi.json lists no operations")
	}
	return out
}

// checkCovered fails for every operation no 2xx exchange matched. The
// document's path templates are ServeMux patterns too ({name} segments),
// so a mux of them matches an exchange to its operation as the server does.
func (r *recorder) checkCovered(t *testing.T, ops []operation) {
	t.Helper()
	mux := http.NewServeMux()
	for _, op := range ops {
		mux.Handle(op.method+" "+op.path, http.NotFoundHandler())
	}
	ok := map[string]bool{}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.calls {
		req, err := http.NewRequest(c.method, c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, pattern := mux.Handler(req); pattern != "" && c.status/100 == 2 {
			ok[pattern] = true
		}
	}
	var missing []string
	for _, op := range ops {
		if !ok[op.method+" "+op.path] {
			missing = append(missing, op.String())
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("the walk called %d of %d operations; not called through the client with a 2xx answer:\n  %s",
			len(ops)-len(missing), len(ops), strings.Join(missing, "\n  "))
	}
}

// walkCredential issues ada's cloud-practitioner credential (the job a
// queue would run after the pass), reads it and its VC-JWT file, and
// suspends, reinstates and revokes it.
func walkCredential(t *testing.T, s *server, c *apiclient.ClientWithResponses, term string) {
	t.Helper()
	ctx := context.Background()
	job := app.Job{Kind: app.JobCredential, Candidate: "ada", Certification: "cloud-practitioner", Term: term}
	if err := s.app.Work(ctx, job, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
		t.Fatalf("credential job: %v", err)
	}
	page := must(c.ListCredentialsWithResponse(ctx, "ada", nil))(t).JSON200
	if len(page.Items) != 1 {
		t.Fatalf("credentials: %+v; want the one issued", page.Items)
	}
	id := page.Items[0].Id
	if got := must(c.GetCredentialWithResponse(ctx, id))(t); got.JSON200 == nil || got.JSON200.Jwt != page.Items[0].Jwt || got.HTTPResponse.Header.Get("ETag") == "" {
		t.Fatalf("credential %s: %+v", id, got.JSON200)
	}
	if file := must(c.GetCredentialJWTWithResponse(ctx, id))(t); string(file.Body) != page.Items[0].Jwt {
		t.Fatalf("the VC-JWT file: %q", file.Body)
	}
	body := func(reason string) apiclient.CredentialStatusRequest {
		return apiclient.CredentialStatusRequest{Reason: reason}
	}
	if got := must(c.SuspendCredentialWithResponse(ctx, id, nil, body("under investigation")))(t).JSON200; got.Status != apiclient.CredentialStatusSuspended {
		t.Fatalf("suspended: %+v", got)
	}
	if got := must(c.ReinstateCredentialWithResponse(ctx, id, nil, body("cleared")))(t).JSON200; got.Status != apiclient.CredentialStatusActive {
		t.Fatalf("reinstated: %+v", got)
	}
	if got := must(c.RevokeCredentialWithResponse(ctx, id, nil, body("issued in error")))(t).JSON200; got.Status != apiclient.CredentialStatusRevoked {
		t.Fatalf("revoked: %+v", got)
	}
}
