package supervisor

import "time"

// Restarting a crashed engine: an engine that was serving the API when it
// died (a SIGKILL, an OOM kill, a panic in a handler) is restarted at once,
// so clients see a blip, not an outage; one that dies before it serves is
// likely to die again and backs off along restartBackoff, then gives up.
const (
	// quickRestarts is how many served-then-died engines in quickWindow
	// restart without delay; past that they back off too (a crash loop
	// that happens to get as far as serving).
	quickRestarts = 3
	quickWindow   = time.Minute
)

// restartBackoff bounds how fast a crashing engine is restarted.
var restartBackoff = []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second, 5 * time.Second}

// enginePacer decides how long the supervisor waits before the next engine.
type enginePacer struct {
	failures int         // consecutive engines that died before serving
	recent   []time.Time // restarts of engines that had served, within quickWindow
}

// next records an engine's death at now (served: it had signalled that the
// API was up) and returns the delay before the next one, or giveUp.
func (p *enginePacer) next(now time.Time, served bool) (delay time.Duration, giveUp bool) {
	if !served {
		p.failures++
		if p.failures > len(restartBackoff) {
			return 0, true
		}
		return restartBackoff[p.failures-1], false
	}
	p.failures = 0
	keep := p.recent[:0]
	for _, t := range p.recent {
		if now.Sub(t) < quickWindow {
			keep = append(keep, t)
		}
	}
	p.recent = append(keep, now)
	over := len(p.recent) - quickRestarts
	if over <= 0 {
		return 0, false
	}
	return restartBackoff[min(over, len(restartBackoff))-1], false
}
