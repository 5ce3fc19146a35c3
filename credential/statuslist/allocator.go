package statuslist

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"sync"
)

// probes is how many random draws Next tries before it falls back to the
// scan. While at least a quarter of the list is free, 16 draws all miss
// with probability below 1%; past that the scan is cheaper than more draws.
const probes = 16

// Allocator hands out the indexes of a status list at random, never the
// same one twice. The specification asks for random indexes (section 2.1)
// so that an index tells nothing of when a credential was issued or how
// many there are; sequential numbering would leak both.
//
// How: NewAllocator asks used once for every index and keeps the answers in
// a bitset. Next draws indexes uniformly (rejection sampling, no modulo
// bias) from the reader and takes the first free one; after a few misses,
// which happens only when the list is nearly full, it draws k uniformly
// among the free count and takes the k-th free index by scanning the bitset
// (a popcount per 64 entries). Either way the result is uniform among the
// free indexes. Before it returns an index Next asks used again, so an
// index another process took since construction is skipped, not reused.
//
// The allocator keeps its state in memory only: the caller records each
// index it uses, under a uniqueness constraint, and builds a new Allocator
// from those records after a restart. It is safe for concurrent use.
type Allocator struct {
	mu    sync.Mutex
	n     int
	taken []uint64
	free  int
	used  func(int) bool
	rand  io.Reader
}

// NewAllocator returns an allocator over the indexes [0, n) of a list, where
// used reports the indexes already given out and rand is the source of
// randomness (crypto/rand.Reader in production, a seeded reader in tests).
func NewAllocator(n int, used func(i int) bool, rand io.Reader) (*Allocator, error) {
	if n <= 0 {
		return nil, fmt.Errorf("statuslist: allocator over %d indexes: %w", n, ErrMalformed)
	}
	if used == nil || rand == nil {
		return nil, errors.New("statuslist: allocator needs a used func and a random reader")
	}
	a := &Allocator{n: n, taken: make([]uint64, (n+63)/64), used: used, rand: rand}
	for i := range n {
		if used(i) {
			a.taken[i/64] |= 1 << (i % 64)
		} else {
			a.free++
		}
	}
	return a, nil
}

// Remaining returns how many indexes are still free, so that the caller can
// open a new list before this one fills up.
func (a *Allocator) Remaining() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.free
}

// Next returns a free index chosen uniformly at random, and marks it taken.
// It returns ErrFull when no index is left.
func (a *Allocator) Next() (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for a.free > 0 {
		i, err := a.pick()
		if err != nil {
			return 0, err
		}
		a.take(i)
		if a.used(i) {
			// Taken elsewhere since construction: keep it marked, try again.
			continue
		}
		return i, nil
	}
	return 0, fmt.Errorf("statuslist: allocate among %d indexes: %w", a.n, ErrFull)
}

// pick returns a free index, uniform among the free ones.
func (a *Allocator) pick() (int, error) {
	for range probes {
		i, err := a.uniform(a.n)
		if err != nil {
			return 0, err
		}
		if !a.isTaken(i) {
			return i, nil
		}
	}
	k, err := a.uniform(a.free)
	if err != nil {
		return 0, err
	}
	i, ok := a.kthFree(k)
	if !ok {
		return 0, fmt.Errorf("statuslist: allocate: free count %d disagrees with the bitset", a.free)
	}
	return i, nil
}

// kthFree returns the k-th (from 0) free index; false when there are not
// k+1 free indexes, which would mean the free count is wrong.
func (a *Allocator) kthFree(k int) (int, bool) {
	for w, word := range a.taken {
		valid := 64
		if rest := a.n - w*64; rest < 64 {
			valid = rest
		}
		freeBits := ^word
		if valid < 64 {
			freeBits &= 1<<valid - 1
		}
		c := bits.OnesCount64(freeBits)
		if k >= c {
			k -= c
			continue
		}
		for ; ; k-- {
			b := bits.TrailingZeros64(freeBits)
			if k == 0 {
				return w*64 + b, true
			}
			freeBits &^= 1 << b
		}
	}
	return 0, false
}

func (a *Allocator) isTaken(i int) bool { return a.taken[i/64]&(1<<(i%64)) != 0 }

func (a *Allocator) take(i int) {
	if !a.isTaken(i) {
		a.taken[i/64] |= 1 << (i % 64)
		a.free--
	}
}

// uniform returns an integer uniform in [0, n), n > 0, by rejection
// sampling: draws in the top partial block of 2^64 are discarded, so no
// value is favoured as a plain modulo would favour small ones.
func (a *Allocator) uniform(n int) (int, error) {
	limit := math.MaxUint64 - math.MaxUint64%uint64(n)
	var buf [8]byte
	for {
		if _, err := io.ReadFull(a.rand, buf[:]); err != nil {
			return 0, fmt.Errorf("statuslist: allocate: read randomness: %w", err)
		}
		v := binary.BigEndian.Uint64(buf[:])
		if v < limit {
			return int(v % uint64(n)), nil
		}
	}
}
