package announce

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ocfnet/ocfnet/pkg/statefile"
)

// Registry is the node's set of announced VIPs: one file per VIP in a
// directory under HA_RSCTMP. Every change and every send cycle holds an
// exclusive lock on the directory's lock file, so once Delete returns, no
// announcement of that VIP can leave the node any more. The zero Registry
// is none at all: for a stop that cannot use the node's, it locks nothing
// and its sequence numbers come from the clock alone.
type Registry struct {
	Dir string
}

var errNoRegistry = errors.New("no registry")

const (
	entrySuffix = ".route"
	sentSuffix  = ".sent"
	lockName    = "lock"
	seqName     = "sequence"
)

// Create makes the registry directory (0700) if missing and checks that
// no other user can tamper with it (statefile.SafeDir): for the writers, start
// and the announcer.
func (r Registry) Create() error {
	if err := os.MkdirAll(r.Dir, 0o700); err != nil {
		return err
	}
	return statefile.SafeDir(r.Dir)
}

// Lock takes the registry's lock and returns its release. It creates the
// lock file, never the directory.
func (r Registry) Lock() (func(), error) {
	if r.Dir == "" {
		return nil, errNoRegistry
	}
	l, err := statefile.TakeLock(filepath.Join(r.Dir, lockName), statefile.LockOptions{Create: true})
	if err != nil {
		return nil, err
	}
	return l.Release, nil
}

func (r Registry) path(vip netip.Addr, suffix string) string {
	return filepath.Join(r.Dir, vip.String()+suffix)
}

// Put registers or replaces e. The caller holds the lock.
func (r Registry) Put(e Entry) error {
	return statefile.WriteJSON(r.path(e.VIP, entrySuffix), e)
}

// Delete unregisters vip: its send stamp first, its entry last (a delete
// cut short leaves the entry, which keeps the VIP visibly registered),
// then any temp file a killed writer left of either. The caller holds the
// lock, which every writer of these files holds too.
func (r Registry) Delete(vip netip.Addr) error {
	for _, s := range []string{sentSuffix, entrySuffix} {
		if err := os.Remove(r.path(vip, s)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	for _, name := range r.Files(vip) {
		if err := os.Remove(filepath.Join(r.Dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Files lists what the registry holds of vip: its entry, its send stamp
// and their temp files (not its lock). Nothing listed, nothing left.
func (r Registry) Files(vip netip.Addr) []string {
	names, err := os.ReadDir(r.Dir)
	if err != nil {
		return nil
	}
	own, temp := vip.String(), "."+vip.String()+"."
	var out []string
	for _, n := range names {
		name := n.Name()
		if name == own+entrySuffix || name == own+sentSuffix || strings.HasPrefix(name, temp) {
			out = append(out, name)
		}
	}
	return out
}

// Get returns vip's entry, or nil if it has none. A file that is not a
// valid entry of vip is an error (*BadEntryError).
func (r Registry) Get(vip netip.Addr) (*Entry, error) {
	path := r.path(vip, entrySuffix)
	var e Entry
	found, err := statefile.ReadJSON(path, &e)
	if !found && err == nil {
		return nil, nil
	}
	if err != nil {
		return nil, &BadEntryError{Path: path, Err: err}
	}
	if e.VIP != vip {
		return nil, &BadEntryError{Path: path, Err: fmt.Errorf("holds the entry of %v", e.VIP)}
	}
	return &e, nil
}

// BadEntryError is an entry file that cannot be used: unreadable,
// unparsable, not a regular file, or another VIP's.
type BadEntryError struct {
	Path string
	Err  error
}

func (e *BadEntryError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *BadEntryError) Unwrap() error { return e.Err }

// listAll returns the usable entries and the unusable entry files.
func (r Registry) listAll() ([]Entry, []*BadEntryError, error) {
	names, err := os.ReadDir(r.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var out []Entry
	var bad []*BadEntryError
	for _, n := range names {
		vip, ok := strings.CutSuffix(n.Name(), entrySuffix)
		if !ok || strings.HasPrefix(vip, ".") {
			continue
		}
		a, err := netip.ParseAddr(vip)
		if err != nil || a.String() != vip {
			bad = append(bad, &BadEntryError{Path: filepath.Join(r.Dir, n.Name()), Err: errors.New("not named after a VIP")})
			continue
		}
		e, err := r.Get(a)
		var b *BadEntryError
		switch {
		case errors.As(err, &b):
			bad = append(bad, b)
		case err != nil:
			return nil, nil, err
		case e != nil:
			out = append(out, *e)
		}
	}
	return out, bad, nil
}

// MarkSent records that vip's route left the node at t (boot clock).
func (r Registry) MarkSent(vip netip.Addr, t Mono) error {
	return statefile.Write(r.path(vip, sentSuffix), []byte(strconv.FormatInt(int64(t), 10)))
}

// LastSent returns when vip's route last left the node (boot clock; zero
// if never).
func (r Registry) LastSent(vip netip.Addr) (Mono, error) {
	b, err := statefile.Read(r.path(vip, sentSuffix))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, err
	}
	return Mono(ns), nil
}

// maxSequenceLead bounds how far the sequence number may run ahead of Unix
// time. Receivers such as BIRD refuse a number lower than the last they
// accepted and remember it: after a reboot clears the stored number, the
// node starts again from Unix time, and its packets are dropped for as
// long as the lead was.
const maxSequenceLead = 5

// NextSequence returns the cryptographic sequence number for the next
// datagram. It is Unix time, or one more than the last number when several
// datagrams leave within a second, but never more than maxSequenceLead
// seconds ahead of Unix time: once that budget is spent, the last number
// is sent again (RFC 4822 §3 and BIRD accept equal numbers). It never
// goes below the last number either, which would be refused, not even
// after the wall clock stepped back. The caller holds the lock.
//
// When the number cannot be stored (a read-only registry), the number is
// still returned, with the error: a poison must leave all the same.
func (r Registry) NextSequence(now time.Time) (uint32, error) {
	if r.Dir == "" {
		return uint32(nextSequence(uint64(now.Unix()), 0)), nil
	}
	path := filepath.Join(r.Dir, seqName)
	var last uint64
	if b, err := statefile.Read(path); err == nil {
		last, _ = strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
	}
	seq := nextSequence(uint64(now.Unix()), last)
	return uint32(seq), statefile.Write(path, []byte(strconv.FormatUint(seq, 10)))
}

// nextSequence is NextSequence's rule for Unix time unix and the last
// number sent.
func nextSequence(unix, last uint64) uint64 {
	return max(unix, min(last+1, max(last, unix+maxSequenceLead))) & 0xffffffff
}
