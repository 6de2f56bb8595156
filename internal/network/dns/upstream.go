package dns

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"strings"
)

// Upstream lists the resolvers of a resolv.conf as host:port, or servers
// when given (docker run --dns). The engine is in the host's namespace,
// so loopback resolvers are kept.
func Upstream(resolvConf string, servers []string) []string {
	var out []string
	for _, s := range servers {
		out = append(out, net.JoinHostPort(s, "53"))
	}
	if len(out) > 0 {
		return out
	}
	b, err := os.ReadFile(resolvConf)
	if err != nil {
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "nameserver" {
			out = append(out, net.JoinHostPort(strings.SplitN(f[1], "%", 2)[0], "53"))
		}
	}
	return out
}
