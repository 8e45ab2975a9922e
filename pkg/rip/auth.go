package rip

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
)

// AuthMode is a RIPv2 authentication scheme.
type AuthMode int

// Authentication schemes.
const (
	AuthNone       AuthMode = iota
	AuthSimple              // RFC 2453 §4.1: a clear-text password
	AuthMD5                 // RFC 2082 keyed MD5
	AuthHMACSHA1            // RFC 4822
	AuthHMACSHA256          // RFC 4822
	AuthHMACSHA384          // RFC 4822
	AuthHMACSHA512          // RFC 4822
)

// Authentication types carried in the authentication entry.
const (
	authTypeSimple = 2
	authTypeCrypto = 3 // keyed MD5 and HMAC-SHA share it (RFC 4822 §2)
	// trailerType follows 0xFFFF in the trailer holding the digest.
	trailerType      = 1
	passwordLen      = 16
	trailerHeaderLen = 4
	md5KeyLen        = 16
	// md5DataLenOld is the Auth Data Len FRR ("old-ripd") and BIRD send for
	// keyed MD5: the digest plus the trailer header. Both accept 16 too.
	md5DataLenOld = 20
)

// apad fills the digest field before HMAC-SHA is computed (RFC 4822 §3.2).
var apad = [4]byte{0x87, 0x8f, 0xe1, 0xf3}

// Key is how datagrams are authenticated. The zero Key is no
// authentication.
type Key struct {
	Mode   AuthMode
	Secret []byte
	ID     uint8
	// MD5DataLen is the Auth Data Len field sent with keyed MD5, 20
	// (the default, when 0) or 16.
	MD5DataLen uint8
}

var (
	errAuthMode   = errors.New("rip: unknown authentication mode")
	errSecret     = errors.New("rip: unusable secret")
	errAuthFailed = errors.New("rip: authentication failed")
	errAuthEntry  = errors.New("rip: malformed authentication")
)

// digestLen returns the length of the digest a cryptographic mode writes.
func (k Key) digestLen() int {
	switch k.Mode {
	case AuthMD5:
		return md5.Size
	case AuthHMACSHA1:
		return sha1.Size
	case AuthHMACSHA256:
		return sha256.Size
	case AuthHMACSHA384:
		return sha512.Size384
	case AuthHMACSHA512:
		return sha512.Size
	}
	return 0
}

func (k Key) crypto() bool { return k.digestLen() > 0 }

// Validate checks that the key can be used and interoperates: passwords
// and MD5 keys are 16 octets at most (longer ones are truncated by some
// routers and silently mismatch), HMAC keys at most the digest length
// (RFC 4822 and RFC 2104 key preparation agree only up to there).
func (k Key) Validate() error {
	switch k.Mode {
	case AuthNone:
		return nil
	case AuthSimple, AuthMD5:
		if len(k.Secret) == 0 || len(k.Secret) > passwordLen {
			return fmt.Errorf("%w: must be 1 to %d octets", errSecret, passwordLen)
		}
	case AuthHMACSHA1, AuthHMACSHA256, AuthHMACSHA384, AuthHMACSHA512:
		if len(k.Secret) == 0 || len(k.Secret) > k.digestLen() {
			return fmt.Errorf("%w: must be 1 to %d octets", errSecret, k.digestLen())
		}
	default:
		return fmt.Errorf("%w: %d", errAuthMode, k.Mode)
	}
	if k.Mode == AuthMD5 && k.MD5DataLen != 0 && k.MD5DataLen != 16 && k.MD5DataLen != md5DataLenOld {
		return fmt.Errorf("%w: MD5 auth data length must be 16 or 20", errSecret)
	}
	return nil
}

// overhead is what authentication adds to a datagram: the
// authentication entry, and for cryptographic modes the trailer.
func (k Key) overhead() int {
	switch {
	case k.Mode == AuthNone:
		return 0
	case k.crypto():
		return entryLen + trailerHeaderLen + k.digestLen()
	}
	return entryLen
}

// MaxRoutes is how many routes one datagram carries with this key: 25
// entries at most, the authentication entry counting as one, and 512
// octets at most with the trailer.
func (k Key) MaxRoutes() int {
	n := (MaxDatagram - headerLen - k.overhead()) / entryLen
	limit := MaxEntries
	if k.Mode != AuthNone {
		limit-- // the authentication entry is one of the 25
	}
	return min(n, limit)
}

// Marshal encodes m authenticated with k. seq is the cryptographic
// sequence number, which receivers such as BIRD require not to decrease.
func (k Key) Marshal(m *Message, seq uint32) ([]byte, error) {
	if k.Mode == AuthNone {
		return m.Marshal()
	}
	if err := k.Validate(); err != nil {
		return nil, err
	}
	if m.Version != 2 {
		return nil, fmt.Errorf("%w: authentication needs RIPv2", errVersion)
	}
	if len(m.Routes) > k.MaxRoutes() {
		return nil, fmt.Errorf("%w: %d with authentication", errTooMany, len(m.Routes))
	}
	b := appendHeader(make([]byte, 0, MaxDatagram), m.Command, m.Version)
	b = k.appendAuthEntry(b, len(m.Routes), seq)
	for _, r := range m.Routes {
		var err error
		if b, err = appendRoute(b, m.Version, r); err != nil {
			return nil, err
		}
	}
	if k.crypto() {
		b = k.appendTrailer(b)
	}
	return b, nil
}

func (k Key) appendAuthEntry(b []byte, routes int, seq uint32) []byte {
	var e [entryLen]byte
	binary.BigEndian.PutUint16(e[0:2], familyAuth)
	if !k.crypto() {
		binary.BigEndian.PutUint16(e[2:4], authTypeSimple)
		copy(e[4:], k.Secret)
		return append(b, e[:]...)
	}
	// RFC 4822 §2: the packet length is the offset of the trailer.
	binary.BigEndian.PutUint16(e[2:4], authTypeCrypto)
	binary.BigEndian.PutUint16(e[4:6], uint16(headerLen+entryLen+entryLen*routes))
	e[6] = k.ID
	e[7] = k.dataLenField()
	binary.BigEndian.PutUint32(e[8:12], seq)
	return append(b, e[:]...)
}

func (k Key) dataLenField() uint8 {
	if k.Mode == AuthMD5 {
		if k.MD5DataLen == 0 {
			return md5DataLenOld
		}
		return k.MD5DataLen
	}
	return uint8(k.digestLen())
}

// appendTrailer appends the trailer and fills in the digest. b ends with
// the last route entry.
func (k Key) appendTrailer(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, familyAuth)
	b = binary.BigEndian.AppendUint16(b, trailerType)
	return append(b, k.digest(b)...)
}

// digest computes the authentication data over pkt, which ends with the
// trailer header. Keyed MD5 (RFC 2082 §3.2.2) hashes the packet followed
// by the key padded to 16 octets; HMAC-SHA (RFC 4822 §3.2) is keyed with
// the secret over the packet followed by Apad.
func (k Key) digest(pkt []byte) []byte {
	if k.Mode == AuthMD5 {
		var key [md5KeyLen]byte
		copy(key[:], k.Secret)
		h := md5.New()
		h.Write(pkt)
		h.Write(key[:])
		return h.Sum(nil)
	}
	mac := hmac.New(k.newHash(), k.Secret)
	mac.Write(pkt)
	for range k.digestLen() / len(apad) {
		mac.Write(apad[:])
	}
	return mac.Sum(nil)
}

func (k Key) newHash() func() hash.Hash {
	switch k.Mode {
	case AuthHMACSHA1:
		return sha1.New
	case AuthHMACSHA256:
		return sha256.New
	case AuthHMACSHA384:
		return sha512.New384
	}
	return sha512.New
}

// Verify checks b's authentication against k, as a receiver would.
func (k Key) Verify(b []byte) error {
	p, err := Parse(b)
	if err != nil {
		return err
	}
	switch {
	case k.Mode == AuthNone:
		if p.AuthType != 0 {
			return fmt.Errorf("%w: unexpected authentication", errAuthFailed)
		}
		return nil
	case !k.crypto():
		var want [passwordLen]byte
		copy(want[:], k.Secret)
		var got [passwordLen]byte
		copy(got[:], p.Password)
		if p.AuthType != authTypeSimple || subtle.ConstantTimeCompare(want[:], got[:]) != 1 {
			return errAuthFailed
		}
		return nil
	}
	return k.verifyDigest(b, p)
}

func (k Key) verifyDigest(b []byte, p *Parsed) error {
	if p.AuthType != authTypeCrypto || p.KeyID != k.ID {
		return errAuthFailed
	}
	end := int(binary.BigEndian.Uint16(b[headerLen+4:])) + trailerHeaderLen
	if len(b) != end+k.digestLen() || b[headerLen+7] != k.dataLenField() {
		return errAuthFailed
	}
	if !hmac.Equal(k.digest(b[:end]), b[end:]) {
		return errAuthFailed
	}
	return nil
}

// parseAuth decodes the authentication entry at the start of body and
// returns the route entries that follow it.
func (p *Parsed) parseAuth(b, body []byte) ([]byte, error) {
	p.AuthType = binary.BigEndian.Uint16(body[2:4])
	switch p.AuthType {
	case authTypeSimple:
		pw := body[4:entryLen]
		for len(pw) > 0 && pw[len(pw)-1] == 0 {
			pw = pw[:len(pw)-1]
		}
		p.Password = append([]byte(nil), pw...)
		return body[entryLen:], nil
	case authTypeCrypto:
		end := int(binary.BigEndian.Uint16(body[4:6]))
		p.KeyID, p.Sequence = body[6], binary.BigEndian.Uint32(body[8:12])
		if end < headerLen+entryLen || end+trailerHeaderLen > len(b) ||
			binary.BigEndian.Uint16(b[end:]) != familyAuth || binary.BigEndian.Uint16(b[end+2:]) != trailerType {
			return nil, fmt.Errorf("%w: bad trailer position %d", errAuthEntry, end)
		}
		return b[headerLen+entryLen : end], nil
	}
	return nil, fmt.Errorf("%w: type %d", errAuthEntry, p.AuthType)
}
