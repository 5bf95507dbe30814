package main

import (
	"path/filepath"

	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/disclose-project/disclose/site"
)

// downloadText says what each download holds, in Chinese and English.
var downloadText = map[string][2]string{
	"providers.csv": {"每个服务商一行：评级、得分、近90天履约计数、积分、扣款和生效中的处罚。", "One row per provider: grade, score, 90-day counts, points, deductions and measures in force."},
	"notices.csv":   {"全部违规公示，含已到期和已撤销的。", "Every enforcement notice, expired and rescinded ones included."},
	"manifest.json": {"来源与完整性：工具与规则书版本、数据截至日、每个输入文件和输出文件的 SHA-256 与行数。", "Provenance and integrity: tool and rule-book versions, as-of date, SHA-256 and row counts of every input and output file."},
}

// writeSite renders the public pages into dir, after the downloads.
func writeSite(dir string, cfg *Config, ev *Evaluation) error {
	sums, err := report.SumTree(filepath.Join(dir, "downloads"))
	if err != nil {
		return err
	}
	rows := map[string]int64{"providers.csv": int64(len(ev.Result.Facts)), "notices.csv": int64(len(ev.Notices))}
	var dl []site.Download
	for _, s := range sums {
		n, ok := rows[s.Path]
		if !ok {
			n = -1
		}
		txt := downloadText[s.Path]
		dl = append(dl, site.Download{Name: s.Path, Size: s.Bytes, SHA256: s.SHA256, Rows: n, WhatZh: txt[0], WhatEn: txt[1]})
	}
	in := &site.Input{Book: ev.Book, AsOf: ev.Snap.AsOf, Zone: ev.Snap.Zone, Platform: ev.Snap.Platform,
		Facts: ev.Result.Facts, Ratings: ev.Ratings, Notices: ev.Notices, Commitments: ev.Result.Commitments,
		Services: ev.Result.Services, History: ev.Ledger.Scores, Downloads: dl}
	for _, c := range report.Dictionary() {
		in.Dictionary = append(in.Dictionary, site.Column(c))
	}
	return site.Build(dir, in, site.Options{BaseURL: cfg.BaseURL, Jobs: cfg.Jobs})
}
