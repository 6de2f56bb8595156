// This module stands in for github.com/google/gopacket (see the replace
// directive in skiff's go.mod and doc.go here).
module github.com/google/gopacket

go 1.22
