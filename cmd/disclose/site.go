package main

import (
	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/disclose-project/disclose/site"
)

// writeSite renders the public pages into dir, after the downloads, whose
// files the downloads page lists with their sizes and checksums.
func writeSite(dir string, cfg *Config, ev *Evaluation, outs []report.Output, sums []report.FileSum) error {
	byName := map[string]report.FileSum{}
	for _, s := range sums {
		byName[s.Path] = s
	}
	outs = append(outs,
		report.Output{Name: "manifest.json", Rows: -1, Zh: "来源与完整性：工具与规则书版本、数据截至日、每个输入文件和下载文件的 SHA-256 与行数。",
			En: "Provenance and integrity: tool and rule-book versions, as-of date, SHA-256 and row counts of every input and download."},
		report.Output{Name: "SHA256SUMS", Rows: -1, Zh: "全部下载文件的 SHA-256 校验和。", En: "SHA-256 checksums of every download."})
	var dl []site.Download
	for _, o := range outs {
		s := byName[o.Name]
		dl = append(dl, site.Download{Name: o.Name, Size: s.Bytes, SHA256: s.SHA256, Rows: o.Rows, WhatZh: o.Zh, WhatEn: o.En})
	}
	in := &site.Input{Book: ev.Book, AsOf: ev.Snap.AsOf, Zone: ev.Snap.Zone, Platform: ev.Snap.Platform,
		Facts: ev.Result.Facts, Ratings: ev.Ratings, Notices: ev.Notices, Commitments: ev.Result.Commitments,
		Services: ev.Result.Services, History: ev.Ledger.Scores, Downloads: dl}
	rin := &report.Input{Book: ev.Book, AsOf: ev.Snap.AsOf, Facts: ev.Result.Facts, Ratings: ev.Ratings, Notices: ev.Notices, Commitments: ev.Result.Commitments}
	for _, e := range report.Dictionary(report.Tables(rin), report.Summarise(rin)) {
		in.Dictionary = append(in.Dictionary, site.Column(e))
	}
	defer cfg.prog.done()
	return site.Build(dir, in, site.Options{BaseURL: cfg.BaseURL, Jobs: cfg.Jobs,
		Progress: func(done, total int) { cfg.prog.update("writing pages", int64(done), int64(total)) }})
}
