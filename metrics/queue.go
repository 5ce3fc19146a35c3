package metrics

import (
	"context"
	"fmt"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

var queueDesc = prometheus.NewDesc("recert_queue_jobs",
	"Jobs in the work queue by state, read from the queue at scrape time.", []string{"state"}, nil)

// queueGatherer gathers the queue gauge with the scrape's context. A
// registry per scrape is how a context reaches a collector: Collect has
// no context of its own, and the callback reads the database.
func queueGatherer(ctx context.Context, depth QueueDepth) prometheus.Gatherer {
	reg := prometheus.NewRegistry()
	reg.MustRegister(queueCollector{ctx: ctx, depth: depth})
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return reg.Gather() })
}

// queueCollector reports one gauge per state the callback returns.
type queueCollector struct {
	ctx   context.Context
	depth QueueDepth
}

func (c queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDesc }

func (c queueCollector) Collect(ch chan<- prometheus.Metric) {
	counts, err := c.depth(c.ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueDesc, fmt.Errorf("reading the queue depth: %w", err))
		return
	}
	states := make([]string, 0, len(counts))
	for s := range counts {
		states = append(states, s)
	}
	slices.Sort(states)
	for _, s := range states {
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(counts[s]), s)
	}
}
