// Package layers is the part of gopacket's layers that gvisor-tap-vsock
// names: see the parent package.
package layers

import "github.com/google/gopacket"

// LayerTypeEthernet is the first layer of an Ethernet frame.
const LayerTypeEthernet gopacket.LayerType = 1
