package main

import (
	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/disclose-project/disclose/site"
)

// writeSite renders the public pages into dir, after the downloads, whose
// files the downloads page lists with their sizes and checksums, and whose
// columns with the dictionary.
func writeSite(dir string, cfg *Config, ev *Evaluation, outs []report.Output, sums []report.FileSum, dict []report.Entry) error {
	byName := map[string]report.FileSum{}
	for _, s := range sums {
		byName[s.Path] = s
	}
	var dl []site.Download
	for _, o := range outs {
		s := byName[o.Name]
		dl = append(dl, site.Download{Name: o.Name, Size: s.Bytes, SHA256: s.SHA256, Rows: o.Rows, WhatZh: o.Zh, WhatEn: o.En})
	}
	in := &site.Input{Book: ev.Book, AsOf: ev.Snap.AsOf, Zone: ev.Snap.Zone, Platform: ev.Snap.Platform,
		Facts: ev.Result.Facts, Ratings: ev.Ratings, Notices: ev.Notices, Commitments: ev.Result.Commitments,
		Services: ev.Result.Services, History: ev.Ledger.Scores, Downloads: dl}
	for _, e := range dict {
		in.Dictionary = append(in.Dictionary, site.Column(e))
	}
	defer cfg.prog.done()
	return site.Build(dir, in, site.Options{BaseURL: cfg.BaseURL, Jobs: cfg.Jobs,
		Progress: func(done, total int) { cfg.prog.update("writing pages", int64(done), int64(total)) }})
}
