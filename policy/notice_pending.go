package policy

import "time"

// Temporary until the engine's notice code lands (issue 7); deleted then.

type NoticeDetail struct {
	Title           string
	Lines           []string
	DaysLeft        int
	Renewals        []NoticeRenewal
	LastSafeBooking Date
	WeakDomains     []string
	Slot            time.Time
	ChangeUntil     time.Time
}

type NoticeRenewal struct {
	Exam     string
	Earliest Date
}

func (p *Program) NoticeStatus(n Notice, h *History, at time.Time) (bool, string) { return false, "obsolete" }

func (p *Program) NoticeDetail(n Notice, h *History, at time.Time) NoticeDetail { return NoticeDetail{} }
