package ocf

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// commandLine is what the command line asked for besides parameters.
type commandLine struct {
	action  string
	inputs  []string // the words after the action: a helper's inputs
	help    bool
	version bool
	man     bool
}

// parseFlags reads parameters given as flags (--ip 10.0.0.5) for hand use.
// Flags win over OCF_RESKEY_ variables. Dashes and underscores are
// interchangeable (--cidr-netmask, --cidr_netmask).
func (a *Agent) parseFlags(args []string, vals *Values, stdout io.Writer) (commandLine, error) {
	// The executor passes the action alone, a helper its inputs too:
	// without a flag there is no flag set to build, which a recurring
	// monitor would pay for every few seconds.
	if len(args) > 0 && !slices.ContainsFunc(args, func(w string) bool { return strings.HasPrefix(w, "-") }) {
		return commandLine{action: args[0], inputs: args[1:]}, nil
	}
	fs := pflag.NewFlagSet(a.Name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		return pflag.NormalizedName(strings.ReplaceAll(name, "-", "_"))
	})
	given := make(map[string]*string, len(a.Params))
	for _, p := range a.Params {
		given[p.Name] = fs.String(p.Name, "", p.Short)
	}
	var cl commandLine
	fs.BoolVarP(&cl.help, "help", "h", false, "show this help")
	fs.BoolVar(&cl.version, "version", false, "print the version")
	fs.BoolVar(&cl.man, "man", false, "print the manual page (troff)")
	if err := fs.Parse(args); err != nil {
		return cl, err
	}
	fs.Visit(func(f *pflag.Flag) {
		if v, ok := given[f.Name]; ok {
			vals.Set(f.Name, *v)
		}
	})
	if fs.NArg() > 0 {
		cl.action, cl.inputs = fs.Arg(0), fs.Args()[1:]
	}
	if cl.help {
		a.writeHelp(stdout, fs)
	}
	return cl, nil
}

func (a *Agent) usageLine() string {
	var names []string
	for _, act := range a.Actions {
		if !act.Hidden {
			names = append(names, act.Name)
		}
	}
	return fmt.Sprintf("usage: %s [--param value ...] {%s}", a.Name, strings.Join(names, "|"))
}

func (a *Agent) writeHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "%s\n\n%s\n\nParameters (flags, or OCF_RESKEY_<name> variables):\n", a.usageLine(), a.Short)
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name == "help" || f.Name == "version" || f.Name == "man" {
			return
		}
		def := ""
		for _, p := range a.Params {
			if p.Name == f.Name && p.Default != "" {
				def = " (default " + p.Default + ")"
			}
		}
		fmt.Fprintf(w, "  --%-26s %s%s\n", f.Name, f.Usage, def)
	})
}
