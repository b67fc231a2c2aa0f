package teller

import (
	"errors"
	"regexp"
	"strings"

	"guitai/ledger"
)

// This file keeps the ledger's error codes (E_INSUFFICIENT_FUNDS) off the
// lines a teller reads. The main line of a dialog, the status bar, the
// sign-on and lock screens say what went wrong in the window's language;
// the code, the field and the cause go to a detail line, for the help
// desk. ledger.MessageOf puts the code in brackets after the message, and
// some errors reach the window only as that text (cmd/teller formats the
// sign-on's refusal), so a text is split as well as an *ledger.Error.

// codeSuffix is the " (E_CODE · field)" ledger.MessageOf appends.
var codeSuffix = regexp.MustCompile(`^(?s)(.*?)\s*\((E_[A-Z0-9_]+(?: · [^()]*)?)\)\s*$`)

// codePrefix is the "E_CODE [field]: " of ledger.Error.Error.
var codePrefix = regexp.MustCompile(`^(?s)(E_[A-Z0-9_]+(?: \[[^\]]*\])?): (.*)$`)

// errorText is what the teller reads of err, in lang, and the detail
// line: the ledger's code, field and cause ("" when there is none).
func errorText(err error, lang string) (msg, detail string) {
	if err == nil {
		return "", ""
	}
	var le *ledger.Error
	if errors.As(err, &le) {
		detail = string(le.Code)
		if le.Field != "" {
			detail += " · " + le.Field
		}
		if le.Err != nil {
			detail += ": " + le.Err.Error()
		}
		return le.Msg.In(lang), detail
	}
	return splitCode(err.Error())
}

// splitCode takes a ledger code out of a text: "可用余额不足 (E_INSUFFICIENT_FUNDS
// · amount)" is "可用余额不足" with the detail "E_INSUFFICIENT_FUNDS · amount".
func splitCode(text string) (msg, detail string) {
	if m := codeSuffix.FindStringSubmatch(text); m != nil && strings.TrimSpace(m[1]) != "" {
		return m[1], m[2]
	}
	if m := codePrefix.FindStringSubmatch(text); m != nil {
		return m[2], m[1]
	}
	return text, ""
}

// errorCode is the ledger code of err ("E_BAD_CREDENTIALS"), or "".
func errorCode(err error) string {
	var le *ledger.Error
	if errors.As(err, &le) {
		return string(le.Code)
	}
	if err == nil {
		return ""
	}
	_, detail := splitCode(err.Error())
	code, _, _ := strings.Cut(detail, " ")
	code, _, _ = strings.Cut(code, ":")
	return code
}

// message is errorText's main line in the window's language.
func (s *Shell) message(err error) string {
	msg, _ := errorText(err, s.lang)
	return msg
}
