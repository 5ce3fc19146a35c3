package mailpit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Option configures the Mailpit Start runs.
type Option func(*options)

type options struct {
	tls         tlsMode
	user, pass  string
	insecureAut bool
	pool        *x509.CertPool
}

type tlsMode int

const (
	tlsNone tlsMode = iota
	tlsSTARTTLS
	tlsImplicit
)

// WithSTARTTLS makes Mailpit offer STARTTLS, with a self-signed certificate
// made for the test (Server.RootCAs trusts it), and refuse mail from a
// client that does not use it.
func WithSTARTTLS() Option { return func(o *options) { o.tls = tlsSTARTTLS } }

// WithImplicitTLS makes the SMTP listener speak TLS from the first byte
// (smtps), with the test's self-signed certificate.
func WithImplicitTLS() Option { return func(o *options) { o.tls = tlsImplicit } }

// WithAuth makes Mailpit require SMTP AUTH with this user and password
// (a password file; Message.Username says who sent a message). Without TLS
// it also allows PLAIN and LOGIN over the clear connection, which Mailpit
// otherwise refuses.
func WithAuth(user, password string) Option {
	return func(o *options) { o.user, o.pass = user, password }
}

// RootCAs trusts the certificate of a TLS Mailpit (nil without TLS).
func (s *Server) RootCAs() *x509.CertPool { return s.opts.pool }

// args writes the files the options need into dir and returns the flags.
func (o *options) args(dir string) ([]string, error) {
	var args []string
	if o.tls != tlsNone {
		certFile, keyFile, pool, err := selfSigned(dir)
		if err != nil {
			return nil, err
		}
		o.pool = pool
		args = append(args, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile)
		if o.tls == tlsImplicit {
			args = append(args, "--smtp-require-tls")
		} else {
			args = append(args, "--smtp-require-starttls")
		}
	}
	if o.user != "" {
		f := filepath.Join(dir, "smtp-auth")
		// Mailpit reads htpasswd files; a line without a hash prefix is a
		// plain-text password, which is enough for a throwaway server.
		if err := os.WriteFile(f, []byte(o.user+":"+o.pass+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("write auth file: %w", err)
		}
		args = append(args, "--smtp-auth-file", f)
		if o.tls == tlsNone {
			args = append(args, "--smtp-auth-allow-insecure")
		}
	}
	return args, nil
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, valid for a
// day, that is its own CA: the pool it returns is all a client needs.
func selfSigned(dir string) (certFile, keyFile string, pool *x509.CertPool, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", nil, fmt.Errorf("generate key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "mailpit test"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", nil, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return "", "", nil, fmt.Errorf("parse certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", nil, fmt.Errorf("marshal key: %w", err)
	}
	certFile, keyFile = filepath.Join(dir, "smtp.crt"), filepath.Join(dir, "smtp.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return "", "", nil, fmt.Errorf("write certificate: %w", err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", "", nil, fmt.Errorf("write key: %w", err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool, nil
}
