package announce

import (
	"testing"
	"time"
)

func TestNextSequenceRule(t *testing.T) {
	const u = 1_800_000_000
	tests := []struct {
		name       string
		unix, last uint64
		want       uint64
	}{
		{"nothing stored: Unix time", u, 0, u},
		{"last from an earlier second", u, u - 7, u},
		{"second datagram of the second", u, u, u + 1},
		{"within the lead", u, u + maxSequenceLead - 1, u + maxSequenceLead},
		{"lead spent: the number again", u, u + maxSequenceLead, u + maxSequenceLead},
		{"wall clock stepped back: never lower, never higher", u, u + 3600, u + 3600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nextSequence(tt.unix, tt.last); got != tt.want {
				t.Errorf("nextSequence(%d, %d) = %d, want %d", tt.unix, tt.last, got, tt.want)
			}
		})
	}
}

// TestNextSequenceBurst: a thousand datagrams within one second, then a
// reboot (the stored number lost) a second later: the numbers never go
// down, never run more than maxSequenceLead ahead of Unix time, and after
// the reboot the first number is at most maxSequenceLead below the last
// one before it: BIRD drops the node's packets for that long at most.
func TestNextSequenceBurst(t *testing.T) {
	reg := Registry{Dir: t.TempDir()}
	var last uint32
	for i := range 1000 {
		s, err := reg.NextSequence(t0)
		if err != nil {
			t.Fatal(err)
		}
		if s < last || s > uint32(t0.Unix())+maxSequenceLead {
			t.Fatalf("datagram %d: sequence %d after %d, Unix time %d", i, s, last, t0.Unix())
		}
		last = s
	}
	rebooted := Registry{Dir: t.TempDir()}
	s, err := rebooted.NextSequence(t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if lag := int64(last) - int64(s); lag > maxSequenceLead {
		t.Errorf("after the reboot: %d, %d below the last number sent", s, lag)
	}
}
