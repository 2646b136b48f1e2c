// Read a feed file with gofeed, the most used Go feed parser, and print what it gives a
// program (its universal Feed: title, link, items with author, categories, content, dates) as
// JSON on stdout. Used by tests/test_interop.py, which runs it with Debian's
// golang-github-mmcdole-gofeed-dev in GOPATH mode (see its `gofeed` fixture).
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run tests/go/parse.go public/feed.xml
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/mmcdole/gofeed"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run parse.go FEED_FILE")
		os.Exit(2)
	}
	file, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer file.Close()
	// The default parser, as a program using the library would: what it shows is what we test.
	feed, err := gofeed.NewParser().Parse(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", " ")
	if err := out.Encode(feed); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
