package announce

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Registry is the node's set of announced VIPs: one file per VIP in a
// directory under HA_RSCTMP. Every change and every send cycle holds an
// exclusive lock on the directory's lock file, so once Remove returns, no
// announcement of that VIP can leave the node any more.
type Registry struct {
	Dir string
}

const (
	entrySuffix = ".route"
	sentSuffix  = ".sent"
	lockName    = "lock"
	seqName     = "sequence"
)

// Lock takes the registry's lock and returns its release.
func (r Registry) Lock() (func(), error) {
	if err := os.MkdirAll(r.Dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(r.Dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", r.Dir, err)
	}
	return func() { f.Close() }, nil // closing releases the flock
}

func (r Registry) path(vip netip.Addr, suffix string) string {
	return filepath.Join(r.Dir, vip.String()+suffix)
}

// Put registers or replaces e. The caller holds the lock.
func (r Registry) Put(e Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return writeAtomic(r.path(e.VIP, entrySuffix), b)
}

// Delete unregisters vip. The caller holds the lock.
func (r Registry) Delete(vip netip.Addr) error {
	for _, s := range []string{entrySuffix, sentSuffix} {
		if err := os.Remove(r.path(vip, s)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Get returns vip's entry, or nil.
func (r Registry) Get(vip netip.Addr) (*Entry, error) {
	b, err := os.ReadFile(r.path(vip, entrySuffix))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("%s: %w", r.path(vip, entrySuffix), err)
	}
	return &e, nil
}

// List returns every registered entry. Unreadable files are skipped and
// reported in the error, so one bad file never silences the others.
func (r Registry) List() ([]Entry, error) {
	names, err := os.ReadDir(r.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Entry
	var errs []error
	for _, n := range names {
		vip, ok := strings.CutSuffix(n.Name(), entrySuffix)
		if !ok {
			continue
		}
		a, err := netip.ParseAddr(vip)
		if err != nil {
			continue
		}
		e, err := r.Get(a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if e != nil {
			out = append(out, *e)
		}
	}
	return out, errors.Join(errs...)
}

// MarkSent records that vip's route left the node at t.
func (r Registry) MarkSent(vip netip.Addr, t time.Time) error {
	return writeAtomic(r.path(vip, sentSuffix), []byte(strconv.FormatInt(t.UnixNano(), 10)))
}

// LastSent returns when vip's route last left the node (zero if never).
func (r Registry) LastSent(vip netip.Addr) (time.Time, error) {
	b, err := os.ReadFile(r.path(vip, sentSuffix))
	if errors.Is(err, os.ErrNotExist) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(0, ns), nil
}

// NextSequence returns the cryptographic sequence number for the next
// datagram: max(unix seconds, last + 1). Receivers such as BIRD refuse a
// number lower than the last they accepted; seconds survive restarts
// without state, and the stored last value keeps the announcer and stop's
// poison from going backwards within a second. The caller holds the lock.
func (r Registry) NextSequence(now time.Time) (uint32, error) {
	path := filepath.Join(r.Dir, seqName)
	var last uint64
	if b, err := os.ReadFile(path); err == nil {
		last, _ = strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
	}
	seq := max(uint64(now.Unix()), last+1) & 0xffffffff
	return uint32(seq), writeAtomic(path, []byte(strconv.FormatUint(seq, 10)))
}

func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
