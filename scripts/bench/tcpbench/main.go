// Command tcpbench measures TCP throughput between two containers:
//
//	tcpbench server PORT         accept connections, discard what they send
//	tcpbench client HOST:PORT S  send for S seconds, print Gbit/s
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: tcpbench server PORT | client HOST:PORT SECONDS")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "server":
		ln, err := net.Listen("tcp", ":"+os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for {
			c, err := ln.Accept()
			if err != nil {
				os.Exit(1)
			}
			go func() { io.Copy(io.Discard, c); c.Close() }()
		}
	case "client":
		secs := 5
		if len(os.Args) > 3 {
			secs, _ = strconv.Atoi(os.Args[3])
		}
		var c net.Conn
		var err error
		for i := 0; i < 50; i++ { // the server may still be starting
			if c, err = net.Dial("tcp", os.Args[2]); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		buf := make([]byte, 1<<20)
		var n int64
		start := time.Now()
		end := start.Add(time.Duration(secs) * time.Second)
		for time.Now().Before(end) {
			w, err := c.Write(buf)
			n += int64(w)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		c.Close()
		el := time.Since(start).Seconds()
		fmt.Printf("%.2f Gbit/s (%d MiB in %.1f s)\n", float64(n)*8/el/1e9, n>>20, el)
	}
}
