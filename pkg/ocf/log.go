package ocf

import (
	"fmt"
	"io"
	"log/syslog"
	"os"
	"strings"
	"time"
)

// Logger routes messages the way resource-agents' ocf_log does (see
// ocf-shellfuncs: ha_log and ha_debug), so ocfnet agents log to the same
// places as the shell agents they replace:
//
//   - HA_LOGFACILITY (not "none"): syslog with that facility;
//   - HA_LOGFILE: appended with a date and the tag;
//   - neither: stderr, which Pacemaker's executor logs itself;
//   - HA_DEBUGLOG: debug messages, and the rest when it differs from HA_LOGFILE.
//
// Debug messages are written only when HA_debug is set and not "0".
// Messages carry a "LEVEL: " prefix so crmsh and log readers classify them.
type Logger struct {
	tag      string
	debug    bool
	stderr   io.Writer
	facility string
	logfile  string
	debugLog string
	sys      *syslog.Writer
	sysTried bool
	now      func() time.Time
}

func newLogger(env Env, agent string, stderr io.Writer) *Logger {
	tag := env.Get("HA_LOGTAG")
	if tag == "" {
		tag = fmt.Sprintf("%s(%s)[%d]", agent, env.Get("OCF_RESOURCE_INSTANCE"), os.Getpid())
	}
	tag = oneLine(tag)
	debug := env.Get("HA_debug")
	if debug == "" {
		debug = env.Get("HA_DEBUG")
	}
	fac := env.Get("HA_LOGFACILITY")
	if fac == "none" {
		fac = ""
	}
	return &Logger{
		tag:      tag,
		debug:    debug != "" && debug != "0",
		stderr:   stderr,
		facility: fac,
		logfile:  env.Get("HA_LOGFILE"),
		debugLog: env.Get("HA_DEBUGLOG"),
		now:      time.Now,
	}
}

// Debugf logs at debug level, only with HA_debug=1.
func (l *Logger) Debugf(format string, args ...any) {
	if l.debug {
		l.emit(syslog.LOG_DEBUG, "DEBUG", format, args...)
	}
}

// Infof logs at info level.
func (l *Logger) Infof(format string, args ...any) { l.emit(syslog.LOG_INFO, "INFO", format, args...) }

// Warnf logs at warning level.
func (l *Logger) Warnf(format string, args ...any) {
	l.emit(syslog.LOG_WARNING, "WARNING", format, args...)
}

// Errorf logs at error level.
func (l *Logger) Errorf(format string, args ...any) {
	l.emit(syslog.LOG_ERR, "ERROR", format, args...)
}

func (l *Logger) emit(prio syslog.Priority, level, format string, args ...any) {
	msg := level + ": " + oneLine(strings.TrimRight(fmt.Sprintf(format, args...), "\n"))
	l.write(prio, msg, true)
}

// write sends msg to the configured destinations. toStderr false is for
// the exit reason, which Run has already printed on stderr.
func (l *Logger) write(prio syslog.Priority, msg string, toStderr bool) {
	debug := prio == syslog.LOG_DEBUG
	wrote := false
	if l.facility != "" {
		wrote = l.syslog(prio, msg) || wrote
	}
	if l.logfile != "" && !debug {
		wrote = l.appendFile(l.logfile, msg) || wrote
	}
	if l.debugLog != "" && (debug || l.debugLog != l.logfile) {
		wrote = l.appendFile(l.debugLog, msg) || wrote
	}
	if !wrote && toStderr {
		fmt.Fprintf(l.stderr, "%s%s\n", l.now().Format("Jan 02 15:04:05 "), msg)
	}
}

func (l *Logger) syslog(prio syslog.Priority, msg string) bool {
	if !l.sysTried {
		l.sysTried = true
		fac, ok := facilities[l.facility]
		if !ok {
			fac = syslog.LOG_DAEMON
		}
		l.sys, _ = syslog.New(fac|syslog.LOG_INFO, l.tag)
	}
	if l.sys == nil {
		return false
	}
	var err error
	switch prio {
	case syslog.LOG_DEBUG:
		err = l.sys.Debug(msg)
	case syslog.LOG_ERR:
		err = l.sys.Err(msg)
	case syslog.LOG_WARNING:
		err = l.sys.Warning(msg)
	default:
		err = l.sys.Info(msg)
	}
	return err == nil
}

func (l *Logger) appendFile(path, msg string) bool {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "%s%s:    %s\n", l.now().Format("Jan 02 15:04:05 "), l.tag, msg)
	return err == nil
}

func (l *Logger) close() {
	if l.sys != nil {
		l.sys.Close()
	}
}

var facilities = map[string]syslog.Priority{
	"kern": syslog.LOG_KERN, "user": syslog.LOG_USER, "mail": syslog.LOG_MAIL,
	"daemon": syslog.LOG_DAEMON, "auth": syslog.LOG_AUTH, "syslog": syslog.LOG_SYSLOG,
	"lpr": syslog.LOG_LPR, "news": syslog.LOG_NEWS, "uucp": syslog.LOG_UUCP,
	"cron": syslog.LOG_CRON, "authpriv": syslog.LOG_AUTHPRIV, "ftp": syslog.LOG_FTP,
	"local0": syslog.LOG_LOCAL0, "local1": syslog.LOG_LOCAL1, "local2": syslog.LOG_LOCAL2,
	"local3": syslog.LOG_LOCAL3, "local4": syslog.LOG_LOCAL4, "local5": syslog.LOG_LOCAL5,
	"local6": syslog.LOG_LOCAL6, "local7": syslog.LOG_LOCAL7,
}

// oneLine escapes control characters (newlines first of all) so that a
// message, or a resource name from OCF_RESOURCE_INSTANCE, is one log line:
// "vip\nERROR: forged" must not become a second, forged entry.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case isControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isControl: C0 controls but tab, DEL and C1 controls.
func isControl(r rune) bool { return (r < 0x20 && r != '\t') || (r >= 0x7f && r < 0xa0) }
