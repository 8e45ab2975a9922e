package statefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// WriteJSON writes v as JSON to path with Write.
func WriteJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return Write(path, b)
}

// ReadJSON decodes the state file at path into v, strictly: one JSON
// value, no field v does not declare (a record written by another
// program, or garbled, is an error, not a half-understood record). It
// reports false, and leaves v alone, when there is no file (also when a
// path component is not a directory). Types that must read the records
// of earlier versions declare those versions' fields too.
func ReadJSON(path string, v any) (found bool, err error) {
	b, err := Read(path)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, decodeJSON(b, v)
}

// decodeJSON is ReadJSON's strict decoding of b into v.
func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}
