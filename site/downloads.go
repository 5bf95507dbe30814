package site

import (
	"github.com/disclose-project/disclose/pipeline/report"
)

// LicenceView is the data licence in one language, for the downloads page.
type LicenceView struct {
	report.LicenceText
	URL string
}

// Licence returns the licence and terms of reuse of the data in lang, as
// the downloads state them (content/licence.json).
func (w *world) Licence(lang string) (*LicenceView, error) {
	l, err := report.LoadLicence(nil, w.in.Platform, w.in.AsOf.String())
	if err != nil {
		return nil, err
	}
	v := &LicenceView{LicenceText: l.Zh, URL: l.URL}
	if lang == "en" {
		v.LicenceText = l.En
	}
	return v, nil
}
