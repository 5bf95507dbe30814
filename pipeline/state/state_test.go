package state

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/record"
)

func ledgerOf(ids ...string) *ledger.Ledger {
	l := &ledger.Ledger{}
	for _, id := range ids {
		l.Notices = append(l.Notices, model.Notice{ID: id, Key: "P/x/warning", ProviderID: "P", Status: model.InForce,
			IssuedOn: model.DateOf(2025, 6, 30), EffectiveUntil: model.NoDate, RescindedOn: model.NoDate, Origin: model.OriginComputed,
			Figures: model.Figures{WindowFrom: model.NoDate, WindowTo: model.NoDate}})
	}
	return l
}

func ids(t *testing.T, d *Dir) []string {
	t.Helper()
	l, err := d.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range l.Notices {
		out = append(out, n.ID)
	}
	return out
}

// commitNight stages l, finishes it and, unless stopAt says otherwise,
// commits it; it returns the stage's digest.
func commitNight(t *testing.T, path string, l *ledger.Ledger, stopAt string) string {
	t.Helper()
	d, err := Open(path, "", true)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	st, err := d.Stage(l, &record.Log{})
	if err != nil {
		t.Fatal(err)
	}
	if stopAt == "staged" {
		return st.Digest()
	}
	if err := st.Finish([]byte("{}"), nil); err != nil {
		t.Fatal(err)
	}
	if stopAt == "finished" {
		return st.Digest()
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	return st.Digest()
}

// TestRecover opens a state a build left at each point of its commit.
func TestRecover(t *testing.T) {
	tests := []struct {
		name      string
		stopAt    string
		published string // "staged": the live site carries the staged digest
		want      []string
		recovered string
	}{
		{"a generation written, not named", "staged", "", []string{"N1"}, ""},
		{"staged, its site not live", "finished", "", []string{"N1"}, "discarded"},
		{"staged, its site live", "finished", "staged", []string{"N1", "N2"}, "committed"},
		{"committed", "", "staged", []string{"N1", "N2"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := t.TempDir()
			commitNight(t, path, ledgerOf("N1"), "")
			digest := commitNight(t, path, ledgerOf("N1", "N2"), tt.stopAt)
			published := ""
			if tt.published == "staged" {
				published = digest
			}
			d, err := Open(path, published, false)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if got := ids(t, d); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ledger holds %v, want %v", got, tt.want)
			}
			if d.Recovered != tt.recovered {
				t.Errorf("recovered %q, want %q", d.Recovered, tt.recovered)
			}
			if gens := d.generations(); len(gens) != 1 {
				t.Errorf("generations left: %v", gens)
			}
			if _, err := os.Stat(filepath.Join(path, stagedFile)); err == nil {
				t.Errorf("STAGED left behind")
			}
		})
	}
}

// TestLock lets one build at a time hold a state directory; closing it
// releases the lock and removes LOCK.
func TestLock(t *testing.T) {
	path := t.TempDir()
	a, err := Open(path, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, "", true); !errors.Is(err, ErrLocked) {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
	a.Close()
	if _, err := os.Stat(filepath.Join(path, lockFile)); err == nil {
		t.Errorf("LOCK left after Close")
	}
	b, err := Open(path, "", true)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	b.Close()
	// A missing directory opens without a ledger and is not created.
	missing := filepath.Join(path, "missing")
	d, err := Open(missing, "", false)
	if err != nil || d.HasLedger() {
		t.Fatalf("missing: %v, ledger %v", err, d.HasLedger())
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("Open without create made %s", missing)
	}
}

// TestDamaged refuses to read a state whose CURRENT names nothing.
func TestDamaged(t *testing.T) {
	path := t.TempDir()
	os.WriteFile(filepath.Join(path, currentFile), []byte("gen-000009\n"), 0o644)
	if _, err := Open(path, "", false); !errors.Is(err, ledger.ErrDamaged) {
		t.Errorf("Open: %v, want ErrDamaged", err)
	}
}
