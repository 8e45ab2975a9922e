package ocf

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDeadline(t *testing.T) {
	at := time.Now().Add(time.Hour)
	d := newDeadline(at)
	if got, ok := d.Deadline(); !ok || !got.Equal(at) {
		t.Errorf("Deadline = %v, %v; want %v", got, ok, at)
	}
	if d.ctx != nil {
		t.Error("Deadline armed a timer")
	}
	if err := d.Err(); err != nil {
		t.Errorf("Err before the deadline = %v", err)
	}
	d.stop()
	<-d.Done()
	if err := d.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err after stop = %v, want Canceled", err)
	}

	unarmed := newDeadline(at)
	unarmed.stop()
	if err := unarmed.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err after stop without Done = %v, want Canceled", err)
	}

	past := newDeadline(time.Now().Add(-time.Second))
	defer past.stop()
	<-past.Done() // closed at once: the deadline has passed
	if err := past.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err past the deadline = %v, want DeadlineExceeded", err)
	}
	// A context derived from it follows it, as from any context.
	child, cancel := context.WithCancel(past)
	defer cancel()
	<-child.Done()
}
