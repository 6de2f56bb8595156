package containers

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// hostResolvConf is read for each container's resolv.conf.
var hostResolvConf = "/etc/resolv.conf"

// defaultNameservers are Docker's fallback when the host has only
// loopback resolvers (which do not work from a container's network).
var defaultNameservers = []string{"8.8.8.8", "8.8.4.4"}

// hostsFile is the container's /etc/hosts: Docker's fixed entries, then
// the container's own name when it has an address.
func hostsFile(hostname, domainname, ip string) []byte {
	var ips []string
	if ip != "" {
		ips = []string{ip}
	}
	return hostsContent(hostname, domainname, ips, nil)
}

// hostsContent is /etc/hosts with extra lines (--add-host, --link) and
// one line per address of the container.
func hostsContent(hostname, domainname string, ips, extra []string) []byte {
	var b bytes.Buffer
	b.WriteString("127.0.0.1\tlocalhost\n")
	b.WriteString("::1\tlocalhost ip6-localhost ip6-loopback\n")
	b.WriteString("fe00::0\tip6-localnet\n")
	b.WriteString("ff00::0\tip6-mcastprefix\n")
	b.WriteString("ff02::1\tip6-allnodes\n")
	b.WriteString("ff02::2\tip6-allrouters\n")
	for _, l := range extra {
		b.WriteString(l + "\n")
	}
	names := hostname
	if domainname != "" {
		names = hostname + "." + domainname + " " + hostname
	}
	for _, ip := range ips {
		b.WriteString(ip + "\t" + names + "\n")
	}
	return b.Bytes()
}

// embeddedResolvConf is resolv.conf on a user-defined network: the
// embedded DNS (which forwards to the host's or --dns servers), the
// host's search domains unless --dns-search, ndots:0 as dockerd writes.
func embeddedResolvConf(host []byte, search, options []string) []byte {
	var out bytes.Buffer
	out.WriteString("nameserver 127.0.0.11\n")
	if len(search) == 0 {
		sc := bufio.NewScanner(bytes.NewReader(host))
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) > 1 && (f[0] == "search" || f[0] == "domain") {
				search = f[1:]
			}
		}
	}
	if len(search) > 0 && !(len(search) == 1 && search[0] == ".") {
		out.WriteString("search " + strings.Join(search, " ") + "\n")
	}
	out.WriteString("options " + strings.Join(append([]string{"ndots:0"}, options...), " ") + "\n")
	return out.Bytes()
}

// hostGatewayIP is the address --add-host host-gateway stands for; the
// published-ports work sets it (the host as containers reach it).
var hostGatewayIP = func(s *Service) string { return s.opt.HostGatewayIP }

// extraHosts turns --add-host entries ("name:ip", "name=ip", with
// host-gateway) into hosts lines.
func (s *Service) extraHosts(entries []string) ([]string, error) {
	var out []string
	for _, e := range entries {
		name, ip, ok := strings.Cut(e, "=")
		if !ok {
			name, ip, ok = strings.Cut(e, ":")
		}
		if !ok {
			return nil, fmt.Errorf("invalid extra host: %s", e)
		}
		if ip == "host-gateway" {
			ip = hostGatewayIP(s)
			if ip == "" {
				return nil, fmt.Errorf("unable to derive the IP value for host-gateway")
			}
		}
		ip = strings.TrimSuffix(strings.TrimPrefix(ip, "["), "]")
		out = append(out, ip+"\t"+name)
	}
	return out, nil
}

// resolvConf filters the host's resolv.conf for a container with its own
// network namespace: loopback nameservers are dropped (they cannot be
// reached from there), and when none is left Docker's public defaults
// are used. dns, search and options (docker run --dns...) replace the
// host's.
func resolvConf(host []byte, dns []netip.Addr, search, options []string) []byte {
	var out bytes.Buffer
	var servers int
	sc := bufio.NewScanner(bytes.NewReader(host))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) > 0 {
			switch f[0] {
			case "nameserver":
				if len(dns) > 0 || len(f) < 2 || isLoopback(f[1]) {
					continue
				}
				servers++
			case "search", "domain":
				if len(search) > 0 {
					continue
				}
			case "options":
				if len(options) > 0 {
					continue
				}
			}
		}
		out.WriteString(line + "\n")
	}
	for _, a := range dns {
		out.WriteString("nameserver " + a.String() + "\n")
		servers++
	}
	if servers == 0 {
		for _, ns := range defaultNameservers {
			out.WriteString("nameserver " + ns + "\n")
		}
	}
	if len(search) > 0 {
		out.WriteString("search " + strings.Join(search, " ") + "\n")
	}
	if len(options) > 0 {
		out.WriteString("options " + strings.Join(options, " ") + "\n")
	}
	return out.Bytes()
}

func isLoopback(addr string) bool {
	a, err := netip.ParseAddr(strings.SplitN(addr, "%", 2)[0])
	return err == nil && a.IsLoopback()
}

// writeNetFiles writes the container's hostname, hosts and resolv.conf
// in dir. With the host's network the host's resolv.conf is kept as is.
func writeNetFiles(dir, hostname, domainname string, hostNet bool, dns []netip.Addr, search, options []string) error {
	if err := os.WriteFile(filepath.Join(dir, "hostname"), []byte(hostname+"\n"), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "hosts"), hostsFile(hostname, domainname, ""), 0o644); err != nil {
		return err
	}
	host, err := os.ReadFile(hostResolvConf)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	rc := host
	if !hostNet || len(dns) > 0 || len(search) > 0 || len(options) > 0 {
		rc = resolvConf(host, dns, search, options)
	}
	return os.WriteFile(filepath.Join(dir, "resolv.conf"), rc, 0o644)
}
