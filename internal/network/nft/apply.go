package nft

import (
	"fmt"
	"os"

	"github.com/google/nftables"

	"github.com/skiff-engine/skiff/internal/network/netns"
)

// Apply replaces the skiff tables of the namespace ns with the rules for
// nets, in one transaction: a failure leaves the previous rules.
func Apply(ns *os.File, nets []Net) error {
	// the netlink socket is made on a thread in ns (see netns.Do): the
	// library's own WithNetNSFd must move its thread back, which the
	// engine in a user namespace may not do for the host's namespace
	return netns.Do(ns, func() error { return apply(nets) })
}

func apply(nets []Net) error {
	c, err := nftables.New(nftables.AsLasting())
	if err != nil {
		return err
	}
	defer c.CloseLasting()
	accept := nftables.ChainPolicyAccept
	for _, fam := range []nftables.TableFamily{nftables.TableFamilyIPv4, nftables.TableFamilyIPv6} {
		t := &nftables.Table{Name: TableName, Family: fam}
		// add-then-delete empties a table whether it existed or not
		c.AddTable(t)
		c.DelTable(t)
		c.AddTable(t)
		chains := map[string]*nftables.Chain{
			"forward": c.AddChain(&nftables.Chain{Name: "forward", Table: t, Type: nftables.ChainTypeFilter,
				Hooknum: nftables.ChainHookForward, Priority: nftables.ChainPriorityFilter, Policy: &accept}),
			"postrouting": c.AddChain(&nftables.Chain{Name: "postrouting", Table: t, Type: nftables.ChainTypeNAT,
				Hooknum: nftables.ChainHookPostrouting, Priority: nftables.ChainPriorityNATSource}),
		}
		for _, r := range Build(fam, nets) {
			c.AddRule(&nftables.Rule{Table: t, Chain: chains[r.Chain], Exprs: r.Exprs})
		}
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	return nil
}
