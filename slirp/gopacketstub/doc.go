// Package gopacket is skiff's stand-in for github.com/google/gopacket,
// wired in by a replace directive in skiff's go.mod.
//
// gvisor-tap-vsock's switch imports gopacket only to pretty-print frames
// when its debug flag is on, which skiff never sets. The real package's
// layers initialise about 7 MiB of enum tables at start-up, resident in
// every process that links it (the network helper measured 6.4 MiB of its
// 17 MiB there). This stand-in keeps that one call compiling and prints a
// frame as a short hex summary instead.
package gopacket

import (
	"encoding/hex"
	"fmt"
)

// LayerType names the first layer of a frame.
type LayerType int

// Decoder is accepted for signature compatibility; only LayerType is used.
type Decoder interface{}

// DecodeOptions is accepted for signature compatibility.
type DecodeOptions struct{}

// Default is gopacket's default decoding options.
var Default DecodeOptions

// Packet is a frame kept as bytes.
type Packet interface{ String() string }

type frame struct {
	first LayerType
	data  []byte
}

// NewPacket keeps a copy of data for printing.
func NewPacket(data []byte, first Decoder, _ DecodeOptions) Packet {
	lt, _ := first.(LayerType)
	return frame{first: lt, data: append([]byte(nil), data...)}
}

// String is a one-line summary: the length and the first 64 bytes in hex.
func (f frame) String() string {
	head := f.data
	if len(head) > 64 {
		head = head[:64]
	}
	return fmt.Sprintf("frame (layer type %d), %d bytes: %s", f.first, len(f.data), hex.EncodeToString(head))
}
