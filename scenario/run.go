package scenario

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/recert/recert/policy"
)

// Options tune a decide run.
type Options struct {
	Explain bool
	Workers int // 0: one per CPU
}

// MaxLine bounds one scenario line, so a runaway input cannot take the
// machine's memory.
const MaxLine = 16 << 20

// Decider answers scenario lines one by one, reusing its storage.
type Decider struct {
	p       *policy.Program
	explain bool
	h       policy.History
	s       Scenario
}

// NewDecider returns a Decider for one program.
func NewDecider(p *policy.Program, explain bool) *Decider {
	return &Decider{p: p, explain: explain}
}

// Decide appends the answer to one line (without a newline) to dst. It
// also returns the parsed scenario and, when the line was not a valid
// scenario, the reason.
func (dc *Decider) Decide(dst, line []byte, lineNo int) ([]byte, *Scenario, error) {
	s, err := Parse(line)
	dc.s = s
	if err == nil {
		err = dc.p.Load(&dc.h, s.Zone, s.Events)
	}
	if err != nil {
		err = &Error{Line: lineNo, Msg: err.Error()}
		return AppendError(dst, s.ID, err.Error()), &dc.s, err
	}
	d := dc.p.Decide(&dc.h, s.At, s.Ask)
	if d.Has(policy.InvalidScore) {
		// decide.md: a score off the scale makes the line invalid; the
		// message explains that reason alone.
		only := policy.Decision{Action: d.Action, Subject: d.Subject, At: d.At, Zone: d.Zone}
		for _, r := range d.Reasons {
			if r.Code == policy.InvalidScore {
				only.Reasons = append(only.Reasons, r)
			}
		}
		err = &Error{Line: lineNo, Msg: "ask: " + dc.p.Explain(&only)[0]}
		return AppendError(dst, s.ID, err.Error()), &dc.s, err
	}
	return AppendAnswer(dst, s.ID, dc.p, &d, dc.explain), &dc.s, nil
}

// Decide reads scenario lines from r and writes one answer line each to w,
// in order. Lines are decided in parallel batches, because JSON decoding
// costs more than the decision and a machine has more than one core. Blank
// lines are answered as errors too: nothing is skipped silently.
func Decide(p *policy.Program, r io.Reader, w io.Writer, opt Options) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type batch struct {
		lines [][]byte
		first int
		out   []byte
		done  chan struct{}
	}
	const batchSize = 512
	jobs := make(chan *batch, workers*2)
	order := make(chan *batch, workers*4)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dc := NewDecider(p, opt.Explain)
			for b := range jobs {
				for k, line := range b.lines {
					b.out, _, _ = dc.Decide(b.out, line, b.first+k)
					b.out = append(b.out, '\n')
				}
				close(b.done)
			}
		}()
	}
	writeErr := make(chan error, 1)
	go func() {
		var err error
		for b := range order {
			<-b.done
			if err == nil {
				_, err = w.Write(b.out)
			}
		}
		writeErr <- err
	}()
	br := bufio.NewReaderSize(r, 1<<20)
	var readErr error
	n := 0
	cur := &batch{first: 1, done: make(chan struct{})}
	flush := func() {
		if len(cur.lines) == 0 {
			return
		}
		order <- cur
		jobs <- cur
		cur = &batch{first: n + 1, done: make(chan struct{})}
	}
	for {
		line, err := readLine(br)
		if len(line) > 0 || (err == nil) {
			n++
			cur.lines = append(cur.lines, line)
			if len(cur.lines) == batchSize {
				flush()
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
	}
	flush()
	close(jobs)
	close(order)
	wg.Wait()
	if err := <-writeErr; err != nil {
		return err
	}
	return readErr
}

// readLine returns the next line without its newline (and without a
// carriage return before it). A line longer than MaxLine is an error.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		frag, err := br.ReadSlice('\n')
		buf = append(buf, frag...)
		if len(buf) > MaxLine {
			return nil, fmt.Errorf("a line is longer than %d bytes", MaxLine)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == nil {
			buf = bytes.TrimSuffix(buf[:len(buf)-1], []byte{'\r'})
			return buf, nil
		}
		if len(buf) > 0 && errors.Is(err, io.EOF) {
			return bytes.TrimSuffix(buf, []byte{'\r'}), nil
		}
		return buf, err
	}
}
