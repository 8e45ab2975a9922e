package ocf

import (
	"fmt"
	"io"
	"strings"
)

// Example is a resource definition shown in the manual page: the same
// resource with crmsh and with pcs.
type Example struct {
	Title string
	CRM   string
	PCS   string
}

// ManPage renders the agent's manual page, ocf_<provider>_<name>(7) in
// man(7) macros, from the declarations that also make its meta-data, so
// the two cannot disagree.
func (a *Agent) ManPage(w io.Writer, provider string) error {
	var b strings.Builder
	page := "ocf_" + provider + "_" + a.Name
	fmt.Fprintf(&b, ".TH %s 7 \"\" \"%s %s\" \"OCF resource agents\"\n", strings.ToUpper(page), roffText(provider), roffText(a.version()))
	fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", roffText(page), roffText(a.Short))
	fmt.Fprintf(&b, ".SH SYNOPSIS\n.B %s\n.I action\n.PP\n.B %s\n.RI [ options ] \" action\"\n",
		roffText("/usr/lib/ocf/resource.d/"+provider+"/"+a.Name), roffText(a.Name))
	fmt.Fprintf(&b, ".SH DESCRIPTION\n%s\n", roffLine(a.Long))
	b.WriteString(".PP\nPacemaker passes parameters as OCF_RESKEY_\\fIname\\fR environment variables; " +
		"by hand they may also be given as \\fB\\-\\-\\fIname value\\fR options.\n")
	b.WriteString(".SH PARAMETERS\n")
	for _, p := range a.Params {
		fmt.Fprintf(&b, ".TP\n.B %s\n(%s)\n.br\n%s\n", roffText(p.Name), roffText(paramFacts(p)), roffLine(paramLong(p)))
	}
	b.WriteString(".SH ACTIONS\n")
	for _, act := range a.Actions {
		if act.Hidden {
			continue
		}
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", roffText(act.Name), roffText(actionFacts(act)))
	}
	if len(a.Examples) > 0 {
		b.WriteString(".SH EXAMPLES\n")
		for _, e := range a.Examples {
			fmt.Fprintf(&b, ".PP\n%s\n.PP\nWith crmsh:\n.PP\n.EX\n%s\n.EE\n.PP\nWith pcs:\n.PP\n.EX\n%s\n.EE\n",
				roffLine(e.Title), roffCode(e.CRM), roffCode(e.PCS))
		}
	}
	fmt.Fprintf(&b, ".SH SEE ALSO\n.BR crm (8),\n.BR pcs (8),\n.BR crm_resource (8),\n.BR ocf_heartbeat_%s (7)\n", roffText(a.Name))
	_, err := io.WriteString(w, b.String())
	return err
}

func paramLong(p Param) string {
	if p.Long != "" {
		return p.Long
	}
	return p.Short
}

// paramFacts is the parameter's type, default and flags in one line.
func paramFacts(p Param) string {
	facts := []string{p.Kind.contentType()}
	if p.Default != "" {
		facts = append(facts, "default "+p.Default)
	}
	if p.Required {
		facts = append(facts, "required")
	}
	if p.Unique {
		facts = append(facts, "unique")
	}
	return strings.Join(facts, ", ")
}

func actionFacts(act Action) string {
	s := "timeout " + seconds(act.Timeout)
	if act.Interval > 0 {
		s += ", interval " + seconds(act.Interval)
	}
	return s
}

// roffText escapes text for use inside a request or a text line: the
// escape character and the hyphens that must stay ASCII minus signs.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// roffLine is roffText for a text line, which must not start with a
// control character (. or ').
func roffLine(s string) string {
	s = roffText(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffCode escapes a block of example lines.
func roffCode(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = roffLine(l)
	}
	return strings.Join(lines, "\n")
}
