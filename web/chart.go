package web

import (
	"fmt"
	"html/template"
	"strings"
)

// bar is one bar of a chart: its label, its length as a share of the
// chart's largest, and its value in words, which the chart prints beside
// the bar: the figure is read, not guessed from a length or a colour.
type bar struct {
	Label string
	Value float64
	Text  string
}

// chart is a horizontal bar chart drawn on the server as SVG.
type chart struct {
	ID, Title, Desc string
	Bars            []bar
	// Max is the value of a full-length bar; 0 takes the largest bar's.
	Max float64
}

// Chart geometry, in SVG user units (the chart scales to its container).
const (
	chartWidth = 640
	barRow     = 44 // a label line and a bar under it
	barHeight  = 16
	barLength  = 440
	chartPad   = 8
)

// svg draws the chart. It is an image with a title and a description
// (role="img", aria-labelledby), each bar labelled and valued in text,
// and it is well-formed XML, so it can be saved as an .svg file as is.
func (c chart) svg() template.HTML {
	max := c.Max
	for _, b := range c.Bars {
		if c.Max == 0 && b.Value > max {
			max = b.Value
		}
	}
	h := chartPad*2 + barRow*len(c.Bars)
	if len(c.Bars) == 0 {
		h = chartPad*2 + barRow
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="%s" role="img" aria-labelledby="%s-title %s-desc" viewBox="0 0 %d %d">`,
		esc(c.ID), esc(c.ID), esc(c.ID), chartWidth, h)
	fmt.Fprintf(&sb, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
	if len(c.Bars) == 0 {
		fmt.Fprintf(&sb, `<text x="0" y="%d" class="chart-label">No data yet.</text>`, chartPad+20)
	}
	for i, b := range c.Bars {
		y := chartPad + i*barRow
		w := 0.0
		if max > 0 {
			w = b.Value / max * barLength
		}
		fmt.Fprintf(&sb, `<g class="chart-row"><text x="0" y="%d" class="chart-label">%s</text>`, y+14, esc(b.Label))
		fmt.Fprintf(&sb, `<rect x="0" y="%d" width="%.1f" height="%d" class="chart-bar"></rect>`, y+20, w, barHeight)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" class="chart-value">%s</text></g>`, w+6, y+20+barHeight-3, esc(b.Text))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every text in it went through esc
}

// esc escapes text for XML content and attribute values.
func esc(s string) string {
	return template.HTMLEscapeString(s)
}

// percent is a rate as people read it.
func percent(r float64) string { return fmt.Sprintf("%.1f %%", r*100) }
