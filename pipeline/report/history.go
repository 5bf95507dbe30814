package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
)

// HistoryTable is every provider's grade, score and published status in
// every build the ledger holds: history.csv and history.parquet (unnamed:
// see words.fill).
func HistoryTable(in *Input) *Table {
	t := &Table{Name: "history", Cols: []Col{
		{Name: "provider_id", Kind: KText},
		{Name: "as_of", Kind: KDate},
		{Name: "grade", Kind: KEnum},
		{Name: "score", Kind: KScore},
		{Name: "status", Kind: KEnum},
	}}
	hs := slices.Clone(in.History)
	slices.SortFunc(hs, func(a, b ledger.Score) int {
		if a.ProviderID != b.ProviderID {
			if a.ProviderID < b.ProviderID {
				return -1
			}
			return 1
		}
		return int(a.AsOf) - int(b.AsOf)
	})
	for _, s := range hs {
		sc := null()
		if s.Scored {
			sc = num(s.ScoreTenths)
		}
		t.Rows = append(t.Rows, []Value{txt(s.ProviderID), date(s.AsOf), txt(s.Grade), sc, txt(s.Status)})
	}
	return t
}

// release is one build as releases.json lists it.
type release struct {
	AsOf            string  `json:"as_of"`
	ToolVersion     string  `json:"tool_version"`
	RulebookVersion string  `json:"rulebook_version"`
	ManifestSHA256  *string `json:"manifest_sha256"`
}

// WriteReleases writes releases.json: every build in the ledger, newest
// first, each with the SHA-256 of the manifest.json it published. The
// build writing it is listed first with a null hash: its manifest lists
// releases.json, so cannot be listed in it.
func WriteReleases(path string, builds []ledger.Build, asOf model.Date) error {
	out := struct {
		Builds []release `json:"builds"`
	}{Builds: []release{}}
	for i := len(builds) - 1; i >= 0; i-- {
		b := builds[i]
		r := release{AsOf: b.AsOf.String(), ToolVersion: b.ToolVersion, RulebookVersion: b.RulebookVersion}
		if b.ManifestSHA256 != "" && b.AsOf != asOf {
			h := b.ManifestSHA256
			r.ManifestSHA256 = &h
		}
		out.Builds = append(out.Builds, r)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}
