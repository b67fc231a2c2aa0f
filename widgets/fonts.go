package widgets

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/font/opentype/tables"
)

// This file gives the theme a bold Chinese face. Fyne draws a rune its
// theme font lacks with a system font it looks up by rune, always in the
// regular weight: without help, bold Chinese (a group's title, a screen's
// heading) is drawn regular beside bold Latin. Theme.Font therefore puts
// Noto Sans CJK Bold in front of Fyne's own bold font, cut down to the
// runes Fyne's font lacks, so Latin stays as it was and Chinese is bold.

// cjkBoldFiles are where Linux distributions install Noto Sans CJK Bold:
// Debian and Ubuntu (fonts-noto-cjk), Arch and Fedora.
var cjkBoldFiles = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
	"/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Bold.ttc",
}

// cjkBoldFamily is the face taken from the collection: simplified Chinese.
const cjkBoldFamily = "Noto Sans CJK SC"

var (
	cjkBoldOnce sync.Once
	cjkBoldRes  fyne.Resource
)

// cjkBold returns the bold Chinese face for bold text, loaded once; nil
// when the system has no Noto Sans CJK Bold.
func cjkBold() fyne.Resource {
	cjkBoldOnce.Do(func() {
		path := cjkBoldFile()
		if path == "" {
			return
		}
		data, err := os.ReadFile(path)
		if err != nil {
			fyne.LogError("reading the bold CJK font", err)
			return
		}
		out, err := cjkOnly(data, theme.DefaultTextBoldFont().Content())
		if err != nil {
			fyne.LogError("loading the bold CJK font "+path, err)
			return
		}
		cjkBoldRes = fyne.NewStaticResource("NotoSansCJKsc-Bold-cjk.otf", out)
	})
	return cjkBoldRes
}

// cjkBoldFile is the first of cjkBoldFiles that exists, else what
// fontconfig names for bold Noto Sans CJK SC when it names a CJK bold
// file, else "".
func cjkBoldFile() string {
	for _, p := range cjkBoldFiles {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if _, err := exec.LookPath("fc-match"); err != nil {
		return ""
	}
	out, err := exec.Command("fc-match", "-f", "%{file}", cjkBoldFamily+":bold").Output()
	if err != nil {
		return ""
	}
	p := strings.TrimSpace(string(out))
	if base := filepath.Base(p); !strings.Contains(base, "CJK") || !strings.Contains(base, "Bold") {
		return "" // fontconfig fell back to something else
	}
	return p
}

// cjkOnly returns the cjkBoldFamily face of the font file data (a
// collection or a single font) as a font of its own whose character map
// holds only the runes the font latin lacks; its glyphs and every other
// table are as they were.
func cjkOnly(data, latin []byte) ([]byte, error) {
	lds, err := ot.NewLoaders(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	ld := lds[0]
	for _, l := range lds {
		if d, _ := font.Describe(l, nil); d.Family == cjkBoldFamily {
			ld = l
			break
		}
	}
	// The character maps only: parsing the whole face (its 65,000 CFF
	// glyphs) would hold up the first frame for a second.
	cjk, err := fontCmap(ld)
	if err != nil {
		return nil, err
	}
	latLds, err := ot.NewLoaders(bytes.NewReader(latin))
	if err != nil {
		return nil, err
	}
	lat, err := fontCmap(latLds[0])
	if err != nil {
		return nil, err
	}
	type pair struct {
		r rune
		g font.GID
	}
	var keep []pair
	for it := cjk.Iter(); it.Next(); {
		r, g := it.Char()
		// Spaces and punctuation stay too: the shaper runs them with the
		// Chinese beside them, in this face, and a face without them
		// draws a missing-glyph box ("柜台 · 柜员签到").
		if _, ok := lat.Lookup(r); !ok || unicode.IsSpace(r) || unicode.IsPunct(r) {
			keep = append(keep, pair{r, g})
		}
	}
	sort.Slice(keep, func(i, j int) bool { return keep[i].r < keep[j].r })
	// A format 12 cmap: groups of consecutive runes with consecutive
	// glyphs, for the Windows Unicode full repertoire (3, 10).
	var groups [][3]uint32
	for _, p := range keep {
		if n := len(groups); n > 0 && groups[n-1][1]+1 == uint32(p.r) && groups[n-1][2]+uint32(p.r)-groups[n-1][0] == uint32(p.g) {
			groups[n-1][1] = uint32(p.r)
			continue
		}
		groups = append(groups, [3]uint32{uint32(p.r), uint32(p.r), uint32(p.g)})
	}
	cmap := binary.BigEndian.AppendUint16(nil, 0) // version
	cmap = binary.BigEndian.AppendUint16(cmap, 1) // one subtable
	cmap = binary.BigEndian.AppendUint16(cmap, 3)
	cmap = binary.BigEndian.AppendUint16(cmap, 10)
	cmap = binary.BigEndian.AppendUint32(cmap, 12)
	cmap = binary.BigEndian.AppendUint16(cmap, 12) // format
	cmap = binary.BigEndian.AppendUint16(cmap, 0)
	cmap = binary.BigEndian.AppendUint32(cmap, uint32(16+12*len(groups)))
	cmap = binary.BigEndian.AppendUint32(cmap, 0) // language
	cmap = binary.BigEndian.AppendUint32(cmap, uint32(len(groups)))
	for _, g := range groups {
		for _, v := range g {
			cmap = binary.BigEndian.AppendUint32(cmap, v)
		}
	}

	tags := ld.Tables()
	sort.Slice(tags, func(i, j int) bool { return tags[i] < tags[j] })
	tables := make([][]byte, len(tags))
	version := "\x00\x01\x00\x00" // TrueType outlines
	for i, tag := range tags {
		tables[i] = cmap
		if tag != ot.MustNewTag("cmap") {
			if tables[i], err = ld.RawTable(tag); err != nil {
				return nil, err
			}
		}
		if tag == ot.MustNewTag("CFF ") {
			version = "OTTO" // CFF outlines, as in Noto's collection
		}
	}
	return sfnt(version, tags, tables), nil
}

// sfnt writes the tables (sorted by tag) as a font file of version,
// copying each once: the CJK outlines are 16 MB.
func sfnt(version string, tags []ot.Tag, tables [][]byte) []byte {
	n := len(tags)
	size := 12 + 16*n
	for _, t := range tables {
		size += (len(t) + 3) &^ 3
	}
	out := make([]byte, 12+16*n, size)
	copy(out, version)
	be := binary.BigEndian
	be.PutUint16(out[4:], uint16(n))
	sel := 0
	for 1<<(sel+1) <= n {
		sel++
	}
	be.PutUint16(out[6:], uint16(16<<sel))       // searchRange
	be.PutUint16(out[8:], uint16(sel))           // entrySelector
	be.PutUint16(out[10:], uint16(16*n-16<<sel)) // rangeShift
	for i, t := range tables {
		rec := out[12+16*i:]
		be.PutUint32(rec, uint32(tags[i]))
		var sum uint32
		for j := 0; j < len(t); j += 4 {
			var w [4]byte
			copy(w[:], t[j:])
			sum += be.Uint32(w[:])
		}
		be.PutUint32(rec[4:], sum)
		be.PutUint32(rec[8:], uint32(len(out)))
		be.PutUint32(rec[12:], uint32(len(t)))
		out = append(out, t...)
		out = append(out, make([]byte, (4-len(t)%4)%4)...)
	}
	return out
}

// fontCmap is the character map of the font ld loads.
func fontCmap(ld *ot.Loader) (font.Cmap, error) {
	raw, err := ld.RawTable(ot.MustNewTag("cmap"))
	if err != nil {
		return nil, err
	}
	tb, _, err := tables.ParseCmap(raw)
	if err != nil {
		return nil, err
	}
	cmap, _, err := font.ProcessCmap(tb, 0)
	return cmap, err
}
