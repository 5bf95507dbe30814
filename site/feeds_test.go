package site

import "testing"

func TestIsolate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"星图聚力电商服务有限公司", "星图聚力电商服务有限公司"},
		{"Xingtu Juli E-commerce Services Co., Ltd.", "Xingtu Juli E-commerce Services Co., Ltd."},
		{"甲\u202eataD", "\u2068甲\u202eataD\u2069"},
		{"شركة 7", "\u2068شركة 7\u2069"},
		{"עברית", "\u2068עברית\u2069"},
		{"a\u2067b", "\u2068a\u2067b\u2069"},
		{"", ""},
	} {
		if got := isolate(tc.in); got != tc.want {
			t.Errorf("isolate(%+q) = %+q, want %+q", tc.in, got, tc.want)
		}
	}
}
