package build

import (
	"fmt"

	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/disclose-project/disclose/pipeline/state"
)

// Restored says what Restore rebuilt.
type Restored struct {
	Notices, Scores, Builds int
	LastBuild               string
}

// Restore rebuilds a lost state directory from a published downloads
// folder, which holds every notice ever issued, every provider's grade in
// every build and the list of builds. The state must hold no ledger: a
// restore never replaces one.
func Restore(stateDir, downloads string) (*Restored, error) {
	pub, err := report.ReadPublished(downloads)
	if err != nil {
		return nil, fmt.Errorf("restore from %s: %w", downloads, err)
	}
	sd, err := state.Open(stateDir, "", true)
	if err != nil {
		return nil, err
	}
	defer sd.Close()
	if sd.HasLedger() {
		return nil, fmt.Errorf("%w: state %s already holds a ledger; restore into an empty or missing folder", ErrRefused, stateDir)
	}
	st, err := sd.Stage(pub.Ledger, pub.Log)
	if err != nil {
		return nil, err
	}
	if err := st.Finish(pub.Manifest, pub.Ledger.Builds); err != nil {
		return nil, err
	}
	if err := st.Commit(); err != nil {
		return nil, err
	}
	return &Restored{Notices: len(pub.Ledger.Notices), Scores: len(pub.Ledger.Scores), Builds: len(pub.Ledger.Builds),
		LastBuild: pub.Ledger.LastBuild().String()}, nil
}
