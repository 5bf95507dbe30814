package main

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
)

// writeSite writes the public pages.
func writeSite(dir string, ev *Evaluation) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>服务商信息公示 %s</title>\n</head>\n<body>\n<h1>服务商信息公示</h1>\n<p>数据截至 %s。</p>\n<ul>\n<li><a href=\"downloads/providers.csv\">providers.csv</a></li>\n<li><a href=\"downloads/notices.csv\">notices.csv</a></li>\n</ul>\n</body>\n</html>\n",
		html.EscapeString(ev.Snap.AsOf.String()), html.EscapeString(ev.Snap.AsOf.String()))
	return os.WriteFile(filepath.Join(dir, "index.html"), []byte(b.String()), 0o644)
}
