package mail_test

import (
	"time"

	"github.com/recert/recert/app"
)

// fixtures are one message of each notice kind, and one of a kind without a
// template of its own, as app would build them.
func fixtures() []app.Message {
	cand := app.MessageCandidate{ID: "c-1", Name: "Ann Example", Email: "ann@example.org", TimeZone: "Europe/Berlin"}
	due := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	slot := time.Date(2026, 6, 15, 7, 30, 0, 0, time.UTC)
	change := time.Date(2026, 6, 14, 7, 30, 0, 0, time.UTC)
	return []app.Message{
		{
			ID: "n-expiry", MessageID: "<expiry.c-1@recert.test>", Kind: "expiry_reminder", Subject: "cert-saa", Due: due, Candidate: cand,
			Title: "Your AWS Solutions Architect – Associate expires in 180 days",
			Lines: []string{
				"Your certification AWS Solutions Architect – Associate expires on 29 August 2026.",
				"Start preparing now: a missed renewal means passing the full exam again.",
			},
			Facts: app.MessageFacts{
				Certification: "AWS Solutions Architect – Associate", Date: "2026-08-29", Days: 180,
				Renewals: []app.RenewalFact{
					{Exam: "SAA-C03", Earliest: "2026-03-02"},
					{Exam: "SAP-C02", Earliest: "2026-03-02"},
				},
				LastSafeBooking: "2026-08-01",
			},
		},
		{
			ID: "n-expired", MessageID: "expired.c-1@recert.test", Kind: "certification_expired", Subject: "cert-saa", Due: due, Candidate: cand,
			Title: "Your AWS Solutions Architect – Associate has expired",
			Lines: []string{"Your certification AWS Solutions Architect – Associate expired on 29 August 2026."},
			Facts: app.MessageFacts{
				Certification: "AWS Solutions Architect – Associate", Date: "2026-08-29",
				Renewals: []app.RenewalFact{{Exam: "SAA-C03"}},
			},
		},
		{
			ID: "n-retake", MessageID: "<retake.c-1@recert.test>", Kind: "retake_available", Subject: "SAA-C03", Due: due, Candidate: cand,
			Title: "You can book a retake of SAA-C03 from 16 March 2026",
			Lines: []string{
				"You did not pass SAA-C03 on 2 March 2026.",
				"You can book a retake from 16 March 2026 (R1: 14 days after a failure).",
			},
			Facts: app.MessageFacts{Exam: "SAA-C03", Date: "2026-03-16", WeakDomains: []string{"Design Resilient Architectures", "Design Cost-Optimized Architectures"}},
		},
		{
			ID: "n-deadline", MessageID: "<deadline.c-1@recert.test>", Kind: "change_deadline", Subject: "appt-7", Due: due, Candidate: cand,
			Title: "Last day to change your SAA-C03 appointment",
			Lines: []string{"You can cancel or reschedule your appointment until 24 hours before it (R7)."},
			Facts: app.MessageFacts{Exam: "SAA-C03", Appointment: "appt-7", Date: "2026-06-15", Slot: &slot, ChangeUntil: &change, Center: "Berlin Mitte"},
		},
		{
			ID: "n-sitting", MessageID: "<sitting.c-1@recert.test>", Kind: "sitting", Subject: "appt-7", Due: due, Candidate: cand,
			Title: "Your SAA-C03 exam is on Monday",
			Lines: []string{"Your exam SAA-C03 is on 15 June 2026 at 09:30 in Berlin Mitte.", "Bring an official photo ID."},
			Facts: app.MessageFacts{Exam: "SAA-C03", Appointment: "appt-7", Date: "2026-06-15", Slot: &slot, Center: "Berlin Mitte"},
		},
		{
			ID: "n-voucher", MessageID: "<voucher.c-1@recert.test>", Kind: "voucher_expiring", Subject: "v-42", Due: due, Candidate: cand,
			Title: "Your exam voucher lapses in 30 days",
			Lines: []string{"Your voucher v-42 for SAA-C03 can be used until 1 April 2026."},
			Facts: app.MessageFacts{Voucher: "v-42", Exam: "SAA-C03", Date: "2026-04-01", Days: 30},
		},
		{
			ID: "n-other", MessageID: "<other.c-1@recert.test>", Kind: "something_new", Subject: "x", Due: due, Candidate: cand,
			Title: "A notice of a kind without a template",
			Lines: []string{"The <default> template shows the lines & nothing else."},
		},
		{
			ID: "sil_1", MessageID: "<sil_1@recert.test>", Kind: app.KindSignIn, Subject: "c-1", Due: due, Candidate: cand,
			Title: "Your sign-in link for recert",
			Lines: []string{"Someone asked to sign in to recert as candidate c-1 with this address.", "The link works once."},
			Facts: app.MessageFacts{Link: "https://recert.example.org/signin/rcl_secret?a=1&b=2"},
		},
	}
}
