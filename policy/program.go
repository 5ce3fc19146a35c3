package policy

// Program is one certification program's rules as data. Another program
// (Microsoft, Google Cloud, CNCF) is another Program value, not other code.
// A Program must be compiled (Compile) before it decides anything; the
// definition loader does that.
type Program struct {
	ID      string
	Version string // the definition's version; every decision records it
	Name    string

	// Rules maps a reason code or rule kind to the program's own rule id
	// (the reference program says R1 for retake_wait), used in explanations.
	Rules map[string]string

	Exams          []Exam
	Certifications []Certification
	Retake         RetakePolicy
	Appointments   AppointmentPolicy
	Vouchers       VoucherPolicy
	Notifications  NotificationPolicy

	label     string // id@version, recorded in every decision
	examIndex map[string]int
	certIndex map[string]int
	lineCert  map[string]int   // line -> certification it earns
	lineExams map[string][]int // line -> exam indexes in version order
	// examLine numbers each exam's line and examCert is the certification
	// its line earns (-1: none), so that the notice schedule, which runs
	// on every ledger write, compares integers rather than strings.
	examLine []int32
	examCert []int32
}

// Exam is one version of an exam line (E1), identified by its series code.
type Exam struct {
	Code  string // series code, such as AIF-C01
	Line  string // exams of one line are versions of each other (E1)
	Name  string
	Level string
	Kind  ExamKind

	DurationMinutes   int
	ScoredQuestions   int
	UnscoredQuestions int
	Price             Money

	ScoreMin, ScoreMax int // the scaled score range (E3)
	PassingScore       int

	Domains []Domain

	// FirstDate and LastDate bound the dates it can be sat on (E2);
	// OpenStart and NoDate mean no bound.
	FirstDate, LastDate Date
	Delivery            []string
	Forms               []Form // raw-to-scaled conversion per form (E5)

	// Retake, when set, replaces the program's retake policy for this exam
	// (Google's Cloud Digital Leader has a different cap).
	Retake *RetakePolicy
}

// ExamKind separates proctored exams from free renewal assessments
// (Microsoft renews role-based certifications by an online assessment).
type ExamKind string

const (
	KindExam       ExamKind = "exam"
	KindAssessment ExamKind = "assessment"
)

// OpenStart marks an exam with no first test date.
const OpenStart Date = -1 << 31

// Money is an amount in minor units (cents) and its ISO 4217 currency.
type Money struct {
	Minor    int64
	Currency string
}

// Domain is a content domain with its weight in percent (E4).
type Domain struct {
	Name   string
	Weight float64
}

// Form is one exam form and its raw-to-scaled conversion table (E5). The
// points are sorted by raw score; between two points the scaled score is
// interpolated linearly and rounded half up.
type Form struct {
	ID     string
	Points []ScorePoint
}

// ScorePoint maps a raw score to a scaled score.
type ScorePoint struct{ Raw, Scaled int }

// Certification is a credential earned by passing an exam of its line (V1).
type Certification struct {
	ID    string
	Name  string
	Line  string // passing an exam of this line earns it
	Level string

	// Validity is how long a term lasts; zero means it never expires
	// (Microsoft Fundamentals).
	Validity Span
	Anchor   Anchor
	Paths    []RenewalPath // exams that renew it while active (V2)

	// Window, when set, opens renewal only this long before expiry (Google
	// Cloud: 60 days). Grace keeps renewal open this long after expiry.
	Window Span
	Grace  Span

	// Reminders are sent this many days before expiry; 0 is the expiry day (V4).
	Reminders []int
	// PrepareFrom and PrepareBy are how long before expiry the plan advises
	// starting to prepare (the founding text: six to three months).
	PrepareFrom, PrepareBy Span
}

// Anchor says where a renewed term starts.
type Anchor string

const (
	// AnchorReset starts the new term at the renewing pass (AWS, Linux Foundation).
	AnchorReset Anchor = "reset"
	// AnchorExtend adds the validity to the current expiry (Microsoft, CompTIA, Cisco).
	AnchorExtend Anchor = "extend"
)

// RenewalPath is an exam line whose pass renews a certification.
type RenewalPath struct {
	Line       string
	LatestOnly bool // only the latest version as of the sitting date counts (V2)
}

// RetakePolicy says when an exam can be sat again.
type RetakePolicy struct {
	// FailureWaits are the waits after the first, second, ... consecutive
	// failure of the same exam; the last one repeats (R1; Google: 14, 60,
	// 365 days; Microsoft: 24 hours, then 14 days).
	FailureWaits []Span
	// MaxAttempts caps sittings of one exam within AttemptWindow (Microsoft:
	// 5 per 12 months); 0 means no cap (R2).
	MaxAttempts   int
	AttemptWindow Span
	Lockout       Lockout // after a pass (R3)
}

// Lockout is what stops a candidate from sitting an exam they passed.
type Lockout struct {
	Kind LockoutKind
	Span Span // for LockoutSpan
}

// LockoutKind names the kinds of lockout after a pass.
type LockoutKind string

const (
	LockoutNone         LockoutKind = "none"
	LockoutSpan         LockoutKind = "span"          // AWS: 2 years (R3)
	LockoutUntilExpiry  LockoutKind = "until_expiry"  // Microsoft: until the certification expires
	LockoutUntilRenewal LockoutKind = "until_renewal" // Google: until the renewal window opens
)

// AppointmentPolicy governs booking, changes and no-shows.
type AppointmentPolicy struct {
	ChangeWindow   Span // changes refused inside this long before the slot (R7); zero: until the slot begins
	MaxReschedules int  // negative: unlimited (R9)
	NoShowWait     Span // booking the same exam again waits this long after a missed slot (R8)
	OnePerExam     bool // at most one open appointment per exam (R5)
	Fees           FeeRules

	// BookingHorizon is how far after the moment of booking a slot may lie
	// (R10); zero: no limit. SlotGrid is the step slots start on, counted
	// from the hour (R11: PT15M, on the quarter hour); zero: any instant.
	// Both concern a real seat, so they are checked only for an ask that
	// names its delivery mode (see Ask.Delivery).
	BookingHorizon Span
	SlotGrid       Span

	// LateChanges price a change made close to the slot instead of refusing
	// it (Google Cloud: inside 72 hours of an onsite exam a cancel forfeits
	// the fee and a reschedule costs a fee; Prometric: a fee inside 30 days,
	// the whole fee inside 5). The innermost tier that contains the moment
	// of the change decides; outside every tier a change is free.
	LateChanges []ChangeTier
}

// ChangeTier is what a cancel or a reschedule costs when it is made inside
// Within before the slot.
type ChangeTier struct {
	Within     Span     // exact (T4): PT72H
	Delivery   []string // the delivery modes it applies to; empty: every mode
	Cancel     ChangeCost
	Reschedule ChangeCost
}

// ChangeCost is the price of one kind of change inside a tier.
type ChangeCost struct {
	Kind CostKind
	Fee  Money // for CostFee
}

// CostKind names what a late change costs.
type CostKind string

const (
	CostFree CostKind = "free" // nothing: a cancel refunds what was paid
	// CostFee: a cancel refunds what was paid less Fee (which is forfeited);
	// a reschedule is charged Fee.
	CostFee CostKind = "fee"
	// CostWholeFee: a cancel forfeits everything paid; a reschedule is
	// charged the exam's whole price again.
	CostWholeFee CostKind = "whole_fee"
	CostRefuse   CostKind = "refuse" // not allowed (change_window_closed)
)

// appliesTo reports whether the tier covers a delivery mode. An unknown
// mode ("") is covered by every tier, so that the strictest applies.
func (t *ChangeTier) appliesTo(mode string) bool {
	if mode == "" || len(t.Delivery) == 0 {
		return true
	}
	for _, d := range t.Delivery {
		if d == mode {
			return true
		}
	}
	return false
}

// FeeRules say what happens to the fee on each outcome.
type FeeRules struct {
	TimelyCancel     FeeOutcome
	NoShow           FeeOutcome
	MedicalException FeeOutcome
	RescheduleFee    Money
}

// FeeOutcome is refund or forfeit.
type FeeOutcome string

const (
	Refund  FeeOutcome = "refund"
	Forfeit FeeOutcome = "forfeit"
)

// VoucherPolicy describes the discount voucher earned on a pass (V5).
type VoucherPolicy struct {
	IssuedOnPass           bool
	DiscountPercent        int
	Validity               Span // zero: no expiry stated
	SingleUse              bool
	ReturnedOnTimelyCancel bool
}
