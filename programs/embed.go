// Package programs holds the certification program definitions built into
// the binary, so that the reference program works without any file beside
// it. Package definition parses them; this package only carries the bytes.
package programs

import _ "embed"

// AWS is the AWS Certification reference program (aws.yaml), the rules of
// shared/spec/reference-program.md as data.
//
//go:embed aws.yaml
var AWS []byte
