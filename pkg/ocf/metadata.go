package ocf

import (
	"fmt"
	"time"

	"github.com/beevik/etree"
)

// Meta-data is rendered as OCF API version 1.0 and nothing outside
// resource-agents' ra-api-1.dtd
// (https://github.com/ClusterLabs/resource-agents/blob/main/ra-api-1.dtd), which is
// what ocf-tester validates against. Every consumer accepts it: ocf-tester,
// the OCF 1.1 RELAX NG schema, pcs, crmsh and crm_resource.
const (
	// xmlDecl must not declare an encoding: crmsh parses meta-data with
	// lxml from a str, which refuses documents that declare one.
	xmlDecl    = `version="1.0"`
	doctype    = `DOCTYPE resource-agent SYSTEM "ra-api-1.dtd"`
	apiVersion = "1.0"
	lang       = "en"
)

// MetaData renders the agent's meta-data XML.
func (a *Agent) MetaData() ([]byte, error) {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", xmlDecl)
	doc.CreateDirective(doctype)
	ra := doc.CreateElement("resource-agent")
	ra.CreateAttr("name", a.Name)
	ra.CreateAttr("version", a.version())
	ra.CreateElement("version").SetText(apiVersion)
	describe(ra, a.Long, a.Short)
	params := ra.CreateElement("parameters")
	for _, p := range a.Params {
		addParam(params, p)
	}
	actions := ra.CreateElement("actions")
	for _, act := range a.Actions {
		if !act.Hidden {
			addAction(actions, act)
		}
	}
	doc.Indent(1)
	return doc.WriteToBytes()
}

func describe(e *etree.Element, long, short string) {
	l := e.CreateElement("longdesc")
	l.CreateAttr("lang", lang)
	l.SetText(long)
	s := e.CreateElement("shortdesc")
	s.CreateAttr("lang", lang)
	s.SetText(short)
}

func addParam(parent *etree.Element, p Param) {
	e := parent.CreateElement("parameter")
	e.CreateAttr("name", p.Name)
	e.CreateAttr("unique", flag(p.Unique))
	e.CreateAttr("required", flag(p.Required))
	long := p.Long
	if long == "" {
		long = p.Short
	}
	describe(e, long, p.Short)
	c := e.CreateElement("content")
	c.CreateAttr("type", p.Kind.contentType())
	if p.Default != "" {
		c.CreateAttr("default", p.Default)
	}
}

func addAction(parent *etree.Element, act Action) {
	e := parent.CreateElement("action")
	e.CreateAttr("name", act.Name)
	e.CreateAttr("timeout", seconds(act.Timeout))
	if act.Interval > 0 {
		e.CreateAttr("interval", seconds(act.Interval))
	}
	if act.Depth != "" {
		e.CreateAttr("depth", act.Depth)
	}
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func seconds(d time.Duration) string { return fmt.Sprintf("%ds", int(d/time.Second)) }
