package ocf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoggerRouting(t *testing.T) {
	dir := t.TempDir()
	logfile, debuglog := filepath.Join(dir, "ha.log"), filepath.Join(dir, "debug.log")
	tests := []struct {
		name                                string
		env                                 MapEnv
		wantStderr, wantFile, wantDebugFile []string
		absent                              []string // must appear nowhere
	}{
		{
			name:       "no destination: stderr, no debug",
			env:        MapEnv{},
			wantStderr: []string{"INFO: hello", "WARNING: careful", "ERROR: broken"},
			absent:     []string{"DEBUG: details"},
		},
		{
			name:       "debug enabled",
			env:        MapEnv{"HA_debug": "1"},
			wantStderr: []string{"DEBUG: details", "INFO: hello"},
		},
		{
			name:          "logfile takes everything but debug, stderr nothing",
			env:           MapEnv{"HA_LOGFILE": logfile, "HA_LOGTAG": "IPaddr2(vip)[1]", "HA_debug": "1", "HA_DEBUGLOG": debuglog},
			wantFile:      []string{"IPaddr2(vip)[1]:    INFO: hello", "ERROR: broken"},
			wantDebugFile: []string{"DEBUG: details", "INFO: hello"},
		},
		{
			name:       "HA_debug=0 is off",
			env:        MapEnv{"HA_debug": "0"},
			wantStderr: []string{"INFO: hello"},
			absent:     []string{"DEBUG: details"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(logfile)
			os.Remove(debuglog)
			var stderr bytes.Buffer
			l := newLogger(tt.env, "IPaddr2", &stderr)
			l.now = func() time.Time { return time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) }
			l.Debugf("details")
			l.Infof("hello")
			l.Warnf("careful")
			l.Errorf("broken")
			l.close()
			file, _ := os.ReadFile(logfile)
			dfile, _ := os.ReadFile(debuglog)
			check := func(where, text string, want []string) {
				for _, w := range want {
					if !strings.Contains(text, w) {
						t.Errorf("%s lacks %q:\n%s", where, w, text)
					}
				}
			}
			check("stderr", stderr.String(), tt.wantStderr)
			check("HA_LOGFILE", string(file), tt.wantFile)
			check("HA_DEBUGLOG", string(dfile), tt.wantDebugFile)
			if tt.wantFile != nil && stderr.Len() != 0 {
				t.Errorf("stderr not empty with HA_LOGFILE set: %q", stderr.String())
			}
			if tt.wantFile != nil && strings.Contains(string(file), "DEBUG") {
				t.Errorf("debug message in HA_LOGFILE")
			}
			for _, a := range tt.absent {
				if strings.Contains(stderr.String()+string(file)+string(dfile), a) {
					t.Errorf("%q logged", a)
				}
			}
			if tt.wantStderr != nil && !strings.HasPrefix(stderr.String(), "Nov 24 10:00:00 ") {
				t.Errorf("stderr lines lack the date: %q", stderr.String())
			}
		})
	}
}

func TestLogOneLine(t *testing.T) {
	logfile := filepath.Join(t.TempDir(), "ha.log")
	var stderr strings.Builder
	l := newLogger(MapEnv{"OCF_RESOURCE_INSTANCE": "vip\nERROR: forged", "HA_LOGFILE": logfile}, "IPaddr2", &stderr)
	l.Infof("value %q then %s", "x", "a\nWARNING: also forged\r")
	l.close()
	b, err := os.ReadFile(logfile)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	if n := strings.Count(out, "\n"); n != 1 {
		t.Fatalf("one message became %d lines:\n%s", n, out)
	}
	if strings.Contains(out, "\nERROR") || strings.Contains(out, "\nWARNING") {
		t.Errorf("forged line: %q", out)
	}
	if got := exitReason(errors.New("bad\x1b[31m value")); strings.ContainsRune(got, 0x1b) {
		t.Errorf("exit reason keeps an escape character: %q", got)
	}
}
