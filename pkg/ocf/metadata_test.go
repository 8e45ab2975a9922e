package ocf

import (
	"bytes"
	"strings"
	"testing"
)

func TestMetaDataShape(t *testing.T) {
	var seen Context
	var out, errb bytes.Buffer
	if code := Run(testAgent(&seen), []string{"Test", "meta-data"}, MapEnv{}, &out, &errb); code != 0 {
		t.Fatalf("code %d", code)
	}
	lines := strings.Split(out.String(), "\n")
	if lines[0] != `<?xml version="1.0"?>` {
		t.Errorf("first line %q", lines[0])
	}
	if lines[1] != `<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">` {
		t.Errorf("second line %q", lines[1])
	}
	xml := out.String()
	for _, want := range []string{
		`<resource-agent name="Test" version="` + Version + `">`,
		"<version>1.0</version>",
		`<parameter name="ip" unique="1" required="1">`,
		`<content type="integer" default="5"/>`,
		`<content type="boolean" default="false"/>`,
		`<action name="monitor" timeout="20s" interval="10s" depth="0"/>`,
		`<action name="meta-data" timeout="5s"/>`,
	} {
		if !strings.Contains(xml, want) {
			t.Errorf("meta-data lacks %s", want)
		}
	}
	if strings.Contains(xml, "_hidden") {
		t.Error("meta-data advertises the hidden action")
	}
	if errb.Len() != 0 {
		t.Errorf("meta-data wrote to stderr: %q", errb.String())
	}
}
