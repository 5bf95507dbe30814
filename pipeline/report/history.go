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
// every build the ledger holds: history.csv and history.parquet.
func HistoryTable(in *Input) *Table {
	t := &Table{Name: "history", Zh: "每次构建中每个服务商的评级、得分和公示状态（台账中的全部构建）。",
		En: "Every provider's grade, score and published status in every build the ledger holds.",
		Cols: []Col{
			{Name: "provider_id", Kind: KText, Zh: "服务商编号", En: "Provider id"},
			{Name: "as_of", Kind: KDate, Zh: "该次构建的数据截至日", En: "The build's as-of date"},
			{Name: "grade", Kind: KEnum, Zh: "评级 A–E；unrated 数据不足；cleared 已清退", En: "Grade A–E; unrated (too few data); cleared"},
			{Name: "score", Kind: KScore, Zh: "得分 0–100，一位小数；未评级时为空", En: "Score 0–100 with one decimal; empty when not rated"},
			{Name: "status", Kind: KEnum, Zh: "公示状态：active 正常、suspended 暂停、cleared 已清退；早期记录中可能为空", En: "Published status: active, suspended or cleared; empty in early records that did not keep it"},
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
