package statuslist

import (
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

func seeded(seed byte) io.Reader {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

func newAllocator(t *testing.T, n int, used func(int) bool, seed byte) *Allocator {
	t.Helper()
	a, err := NewAllocator(n, used, seeded(seed))
	if err != nil {
		t.Fatalf("NewAllocator(%d): %v", n, err)
	}
	return a
}

func none(int) bool { return false }

// Every index comes out once, none that was used before, and then ErrFull.
func TestAllocatorNeverRepeats(t *testing.T) {
	const n = 3000
	used := func(i int) bool { return i%3 == 0 }
	a := newAllocator(t, n, used, 1)
	if a.Remaining() != 2000 {
		t.Fatalf("Remaining = %d, want 2000", a.Remaining())
	}
	seen := map[int]bool{}
	for range 2000 {
		i, err := a.Next()
		if err != nil {
			t.Fatalf("Next after %d: %v", len(seen), err)
		}
		if i < 0 || i >= n || used(i) || seen[i] {
			t.Fatalf("Next = %d: out of range, used or repeated", i)
		}
		seen[i] = true
	}
	for range 2 {
		if i, err := a.Next(); !errors.Is(err, ErrFull) {
			t.Fatalf("Next on a full list = %d, %v; want ErrFull", i, err)
		}
	}
	if a.Remaining() != 0 {
		t.Errorf("Remaining = %d on a full list", a.Remaining())
	}
}

// An index taken elsewhere after the allocator was built is not handed out.
func TestAllocatorRechecksUsed(t *testing.T) {
	const n = 64
	taken := map[int]bool{}
	a := newAllocator(t, n, func(i int) bool { return taken[i] }, 2)
	for i := range n {
		if i != 17 {
			taken[i] = true // another process took all but 17
		}
	}
	i, err := a.Next()
	if err != nil || i != 17 {
		t.Fatalf("Next = %d, %v; want 17, the only index not taken elsewhere", i, err)
	}
	if _, err := a.Next(); !errors.Is(err, ErrFull) {
		t.Errorf("Next = %v, want ErrFull", err)
	}
}

// chiSquare returns Pearson's statistic of counts against a uniform
// expectation.
func chiSquare(counts []int, total int) float64 {
	exp := float64(total) / float64(len(counts))
	var x float64
	for _, c := range counts {
		d := float64(c) - exp
		x += d * d / exp
	}
	return x
}

// The first index of a fresh allocator is uniform among the free ones, on
// the probing path (an empty list) and on the scanning path (a list with
// 8 free indexes in 1024, where probes nearly always miss). The critical
// values are chi-square's at p = 0.001; the reader is seeded, so the test is
// deterministic, and a biased choice (always the lowest free index, a
// modulo without rejection over few buckets) fails it by orders of
// magnitude.
func TestAllocatorUniform(t *testing.T) {
	const rounds = 8000
	t.Run("probing", func(t *testing.T) {
		const n = 16
		counts := make([]int, n)
		r := seeded(3)
		for range rounds {
			a, err := NewAllocator(n, none, r)
			if err != nil {
				t.Fatal(err)
			}
			i, err := a.Next()
			if err != nil {
				t.Fatal(err)
			}
			counts[i]++
		}
		if x := chiSquare(counts, rounds); x > 37.70 { // 15 degrees of freedom
			t.Errorf("chi-square %.1f over %v: not uniform", x, counts)
		}
	})
	t.Run("scanning", func(t *testing.T) {
		const n = 1024
		free := []int{3, 100, 101, 511, 512, 700, 1000, 1023}
		isFree := map[int]int{}
		for k, i := range free {
			isFree[i] = k
		}
		used := func(i int) bool { _, ok := isFree[i]; return !ok }
		counts := make([]int, len(free))
		r := seeded(4)
		for range rounds {
			a, err := NewAllocator(n, used, r)
			if err != nil {
				t.Fatal(err)
			}
			i, err := a.Next()
			if err != nil {
				t.Fatal(err)
			}
			k, ok := isFree[i]
			if !ok {
				t.Fatalf("Next = %d, a used index", i)
			}
			counts[k]++
		}
		if x := chiSquare(counts, rounds); x > 24.32 { // 7 degrees of freedom
			t.Errorf("chi-square %.1f over %v: not uniform", x, counts)
		}
	})
}

func TestAllocatorFullFromTheStart(t *testing.T) {
	a := newAllocator(t, 10, func(int) bool { return true }, 5)
	if _, err := a.Next(); !errors.Is(err, ErrFull) {
		t.Errorf("Next = %v, want ErrFull", err)
	}
}

func TestAllocatorReaderFails(t *testing.T) {
	a, err := NewAllocator(MinEntries, none, strings.NewReader("short"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Next(); err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Next with a failing reader = %v, want the reader's error", err)
	}
	if a.Remaining() != MinEntries {
		t.Errorf("a failed Next took an index: Remaining = %d", a.Remaining())
	}
}

func TestNewAllocatorRefuses(t *testing.T) {
	r := seeded(6)
	for _, tt := range []struct {
		name string
		n    int
		used func(int) bool
		rand io.Reader
	}{
		{"zero length", 0, none, r},
		{"negative length", -1, none, r},
		{"no used func", 8, nil, r},
		{"no reader", 8, none, nil},
	} {
		if a, err := NewAllocator(tt.n, tt.used, tt.rand); err == nil || a != nil {
			t.Errorf("%s: NewAllocator = %v, %v; want an error", tt.name, a, err)
		}
	}
}
