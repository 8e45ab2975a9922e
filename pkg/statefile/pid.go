package statefile

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// WritePid records pid in the pid file at path (atomically, 0600).
func WritePid(path string, pid int) error {
	return Write(path, []byte(strconv.Itoa(pid)+"\n"))
}

// ReadPid returns the pid stored in the pid file at path, 0 if the file
// is missing. The pid says nothing about the process until it is checked
// against it (see package helper).
func ReadPid(path string) (int, error) {
	b, err := Read(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("pid file %s: not a pid: %q", path, b)
	}
	return pid, nil
}
