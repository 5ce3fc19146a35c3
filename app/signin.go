package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/recert/recert/ledger"
)

// Sign-in by e-mail (docs/decisions.md). A person types an address; every
// request is recorded and answered alike, and for each candidate record
// or staff user with that address a job, queued in the same transaction,
// mails a one-time link. The link's secret is made by that job and only
// its SHA-256 is stored, so it is in no table and no queued job. The link
// works once, until SignInLinkTTL after the request.
const (
	SignInLinkTTL = 15 * time.Minute
	// An address may ask SignInRateLimit times per SignInRateWindow;
	// unknown addresses are counted alike, so the limit tells nothing.
	SignInRateLimit  = 5
	SignInRateWindow = time.Hour
	// maxSignInPrincipals bounds the links one request mails (an address
	// shared by several candidate records).
	maxSignInPrincipals = 5
	linkPrefix          = "rcl_"
)

// Reasons a sign-in link is refused (Error.Reasons).
const (
	ReasonLinkUnknown = "signin_link_unknown"
	ReasonLinkUsed    = "signin_link_used"
	ReasonLinkExpired = "signin_link_expired"
)

// WithSignInConsole hands each sign-in link to show instead of mailing it
// when there is no mailer: serve without --smtp prints it in its log, so
// that recert signs people in on a machine with nothing but Go.
func WithSignInConsole(show func(to, link string)) Option {
	return func(a *App) { a.signInConsole = show }
}

// SignInRequest is what the sign-in form sends. Next is the local path to
// land on; Base is the site's URL the link starts with (the public URL).
type SignInRequest struct {
	Email, Next, Base string
}

// SignInAnswer says whether the request was taken. Limited means the
// address asked too often: nothing was sent, known address or not.
type SignInAnswer struct {
	Limited bool
}

// RequestSignIn records a sign-in request and queues a link for each
// person the address names. It answers the same whether the address is
// known or not; only a malformed address or the rate limit is refused.
func (a *App) RequestSignIn(ctx context.Context, in SignInRequest) (SignInAnswer, error) {
	addr := strings.TrimSpace(in.Email)
	if err := checkEmail("email", addr); err != nil {
		return SignInAnswer{}, err
	}
	if in.Next != "" && !LocalPath(in.Next) {
		return SignInAnswer{}, invalid("next", "next must be a path on this site")
	}
	if u, err := url.Parse(in.Base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return SignInAnswer{}, &Error{Code: CodeInternal, Message: "the site's URL " + quoteShort(in.Base) + " is not an http(s) URL"}
	}
	lower := strings.ToLower(addr)
	sum := sha256.Sum256([]byte(lower))
	now := a.now().UTC()
	var ans SignInAnswer
	_, err := a.write(ctx, System, op{decide: func(w *locked) (any, error) {
		ans = SignInAnswer{}
		n, err := w.tx.SignInRequests(ctx, sum[:], now.Add(-SignInRateWindow))
		if err != nil {
			return nil, storeErr(err, "sign-in requests")
		}
		if n >= SignInRateLimit {
			ans.Limited = true
			return nil, nil
		}
		request := a.newID("sir_")
		base := ledger.SignInLink{Request: request, EmailHash: sum[:], Next: in.Next, Base: strings.TrimRight(in.Base, "/"),
			CreatedAt: now, ExpiresAt: now.Add(SignInLinkTTL)}
		var links []ledger.SignInLink
		staff, err := w.tx.StaffUserByEmail(ctx, lower)
		switch {
		case err == nil:
			l := base
			l.Email, l.Name, l.Role, l.Subject, l.Owner = staff.Email, staff.Name, staff.Role, "", ownerStaff+staff.ID
			links = append(links, l)
		case !errors.Is(err, ledger.ErrNotFound):
			return nil, storeErr(err, "staff user")
		}
		cands, err := w.tx.CandidatesByEmail(ctx, addr, maxSignInPrincipals)
		if err != nil {
			return nil, storeErr(err, "candidates")
		}
		for _, c := range cands {
			l := base
			l.Email, l.Name, l.Role, l.Subject, l.Owner = c.Email, c.Name, string(RoleCandidate), c.ID, ownerCandidate+c.ID
			links = append(links, l)
		}
		if len(links) == 0 {
			links = append(links, base) // counted, never mailed
		}
		var jobs []Job
		for i := range links {
			links[i].ID = a.newID("sil_")
			if err := w.tx.CreateSignInLink(ctx, links[i]); err != nil {
				return nil, storeErr(err, "sign-in link")
			}
			if links[i].Role != "" {
				jobs = append(jobs, Job{Kind: JobSignIn, SignIn: links[i].ID})
			}
		}
		if len(jobs) > 0 && a.queue != nil {
			if err := a.queue.Enqueue(ctx, w.tx, jobs); err != nil {
				return nil, storeErr(err, "queue")
			}
		}
		return nil, nil
	}})
	return ans, err
}

// LocalPath says p is a path on this site and nothing else: it starts
// with one slash, not two and not a backslash (browsers read /\ as //),
// and holds no control character. The pages redirect only to such paths,
// so a link cannot send a person elsewhere after they sign in.
func LocalPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || len(p) > 2000 {
		return false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

// refusedLink is the refusal of a link that signs nobody in, with a
// reason a page can explain.
func refusedLink(reason string) *Error {
	msg := map[string]string{
		ReasonLinkUnknown: "This sign-in link is not valid. Ask for a new one.",
		ReasonLinkUsed:    "This sign-in link has been used already: each link works once. Ask for a new one.",
		ReasonLinkExpired: "This sign-in link has expired: a link works for 15 minutes. Ask for a new one.",
	}[reason]
	return &Error{Code: CodeRefused, Message: msg, Reasons: []string{reason}, Explanation: []string{msg}}
}

// checkLink says why l signs nobody in at now, or nil.
func checkLink(l ledger.SignInLink, now time.Time) error {
	switch {
	case l.Role == "":
		return refusedLink(ReasonLinkUnknown)
	case !l.UsedAt.IsZero():
		return refusedLink(ReasonLinkUsed)
	case !now.Before(l.ExpiresAt):
		return refusedLink(ReasonLinkExpired)
	}
	return nil
}

func (a *App) linkBySecret(ctx context.Context, tx ledger.Tx, secret string) (ledger.SignInLink, error) {
	if !strings.HasPrefix(secret, linkPrefix) {
		return ledger.SignInLink{}, refusedLink(ReasonLinkUnknown)
	}
	l, err := tx.SignInLinkByHash(ctx, secretHash(secret))
	if errors.Is(err, ledger.ErrNotFound) {
		return ledger.SignInLink{}, refusedLink(ReasonLinkUnknown)
	}
	if err != nil {
		return ledger.SignInLink{}, storeErr(err, "sign-in link")
	}
	return l, nil
}

// CheckSignInLink says whether a link would sign someone in now, without
// using it: the page a link opens shows a button (a mail scanner that
// fetches the link must not use it up) or why it no longer works.
func (a *App) CheckSignInLink(ctx context.Context, secret string) error {
	return a.store.View(ctx, func(tx ledger.Tx) error {
		l, err := a.linkBySecret(ctx, tx, secret)
		if err != nil {
			return err
		}
		return checkLink(l, a.now().UTC())
	})
}

// SignInWithLink uses a link, once, and starts a session for the person
// it names, in one transaction: the link is marked used by a conditional
// update, so two uses at once start one session.
func (a *App) SignInWithLink(ctx context.Context, secret, userAgent string) (NewSession, error) {
	var out NewSession
	_, err := a.write(ctx, System, op{decide: func(w *locked) (any, error) {
		now := a.now().UTC()
		l, err := a.linkBySecret(ctx, w.tx, secret)
		if err != nil {
			return nil, err
		}
		if err := checkLink(l, now); err != nil {
			return nil, err
		}
		if err := w.tx.UseSignInLink(ctx, l.ID, now); errors.Is(err, ledger.ErrConflict) {
			return nil, refusedLink(ReasonLinkUsed)
		} else if err != nil {
			return nil, storeErr(err, "sign-in link")
		}
		// The person may have gone since the link was sent.
		if strings.HasPrefix(l.Owner, ownerStaff) {
			u, err := w.tx.StaffUser(ctx, strings.TrimPrefix(l.Owner, ownerStaff))
			switch {
			case errors.Is(err, ledger.ErrNotFound) || err == nil && u.Role != l.Role:
				return nil, refusedLink(ReasonLinkUnknown)
			case err != nil:
				return nil, storeErr(err, "staff user")
			}
		} else if _, err := w.tx.Candidate(ctx, l.Subject); errors.Is(err, ledger.ErrNotFound) {
			return nil, refusedLink(ReasonLinkUnknown)
		} else if err != nil {
			return nil, storeErr(err, "candidate "+l.Subject)
		}
		s, err := a.startSession(ctx, w.tx, l.Owner, Role(l.Role), l.Subject, userAgent, time.Time{})
		if err != nil {
			return nil, err
		}
		s.Next = l.Next
		out = s
		return nil, nil
	}})
	return out, err
}

// SignInWithToken exchanges a staff API token for a session, which ends
// when the token expires or is revoked, if not before. Only admin and
// staff tokens: candidates sign in by e-mail, and centers have no pages.
func (a *App) SignInWithToken(ctx context.Context, secret, userAgent string) (NewSession, error) {
	pr, err := a.Authenticate(ctx, strings.TrimSpace(secret))
	if err != nil {
		return NewSession{}, err
	}
	if pr.Role != RoleAdmin && pr.Role != RoleStaff {
		return NewSession{}, &Error{Code: CodeForbidden, Field: "token",
			Message: "Only a staff or admin token signs in here; a candidate signs in with the link sent by e-mail."}
	}
	var out NewSession
	_, err = a.write(ctx, System, op{decide: func(w *locked) (any, error) {
		t, err := w.tx.Token(ctx, pr.TokenID)
		if err != nil {
			return nil, errTokenNotValid() // revoked meanwhile
		}
		out, err = a.startSession(ctx, w.tx, ownerToken+t.ID, Role(t.Role), t.Subject, userAgent, t.ExpiresAt)
		return nil, err
	}})
	return out, err
}

// deliverSignIn is a JobSignIn: it makes the link's secret, stores its
// hash and mails the link (or shows it, without a mailer). A link used,
// expired or for nobody is not sent. A failed send is tried again with a
// new secret, so a link that may have gone out before stops working.
func (a *App) deliverSignIn(ctx context.Context, id string, done Done) error {
	var msg *Message
	var to, link string
	err := a.system(ctx, func(tx ledger.Tx) error {
		msg = nil
		l, err := tx.SignInLink(ctx, id)
		if errors.Is(err, ledger.ErrNotFound) {
			return done(ctx, tx)
		}
		if err != nil {
			return storeErr(err, "sign-in link "+id)
		}
		if checkLink(l, a.now().UTC()) != nil || (a.mailer == nil && a.signInConsole == nil) {
			return done(ctx, tx)
		}
		secret := newSecret(linkPrefix, 32)
		if err := tx.SetSignInLinkHash(ctx, id, secretHash(secret)); err != nil {
			return storeErr(err, "sign-in link "+id)
		}
		to, link = l.Email, l.Base+"/signin/"+secret
		m := a.signInMessage(l, link)
		msg = &m
		return nil
	})
	if err != nil || msg == nil {
		return err
	}
	if a.mailer == nil {
		a.signInConsole(to, link)
	} else if err := a.mailer.Send(ctx, *msg); err != nil {
		return err
	}
	return a.finish(ctx, done)
}

// signInMessage is the mail of a sign-in link (the "signin" templates).
func (a *App) signInMessage(l ledger.SignInLink, link string) Message {
	as := "staff"
	if l.Role == string(RoleCandidate) {
		as = "candidate " + l.Subject
	}
	name := l.Name
	if name == "" {
		name = l.Email
	}
	return Message{ID: l.ID, MessageID: "<" + l.ID + "@" + a.mailDomain + ">", Kind: KindSignIn, Subject: l.Subject,
		Due: l.CreatedAt, Candidate: MessageCandidate{ID: l.Subject, Name: name, Email: l.Email}, Title: "Your sign-in link for recert",
		Lines: []string{
			"Someone asked to sign in to recert as " + as + " with this address. If it was you, open the link and confirm.",
			"The link works once, until " + l.ExpiresAt.UTC().Format("15:04 MST on 2 January 2006") + " (15 minutes after it was asked for).",
			"If it was not you, ignore this message: nobody signs in without the link.",
		},
		Facts: MessageFacts{Link: link}}
}
