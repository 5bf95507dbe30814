package rulebook_test

import (
	"testing"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

func TestShippedBookLoads(t *testing.T) {
	if _, err := rulebook.Load(content.FS); err != nil {
		t.Fatal(err)
	}
}
