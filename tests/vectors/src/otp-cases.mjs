// Primitive vectors: RFC 4226 Appendix D, RFC 6238 Appendix B, RFC 4648 §10,
// otpauth URLs and recovery codes.
import * as ref from './reference.mjs';

const ascii = (text) => Buffer.from(text, 'ascii').toString('hex');

// RFC 4226 Appendix D: HOTP values for the key "12345678901234567890".
const RFC4226 = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

// RFC 6238 Appendix B: 8-digit TOTP values, 30 s steps.
const RFC6238_KEYS = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
};
const RFC6238 = [
  [59, { SHA1: '94287082', SHA256: '46119246', SHA512: '90693936' }],
  [1111111109, { SHA1: '07081804', SHA256: '68084774', SHA512: '25091201' }],
  [1111111111, { SHA1: '14050471', SHA256: '67062674', SHA512: '99943326' }],
  [1234567890, { SHA1: '89005924', SHA256: '91819424', SHA512: '93441116' }],
  [2000000000, { SHA1: '69279037', SHA256: '90698825', SHA512: '38618901' }],
  [20000000000, { SHA1: '65353130', SHA256: '77737706', SHA512: '47863826' }],
];

export function otpCases() {
  const hotp = RFC4226.map((code, counter) => ({ algorithm: 'SHA1', keyHex: ascii('12345678901234567890'), counter, digits: 6, code }));
  const totp = [];
  for (const [time, codes] of RFC6238) {
    for (const [algorithm, code] of Object.entries(codes)) {
      totp.push({ algorithm, keyHex: ascii(RFC6238_KEYS[algorithm]), time, period: 30, digits: 8, code });
    }
  }
  // RFC 4648 §10, plus a 160-bit TOTP secret.
  const base32 = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map((t) => ({
    hex: ascii(t), unpadded: ref.base32(Buffer.from(t)), padded: ref.base32(Buffer.from(t), true),
  }));
  base32.push({ hex: '48656c6c6f21deadbeef0123456789abcdef0102', unpadded: 'JBSWY3DPEHPK3PXPAERUKZ4JVPG66AIC', padded: 'JBSWY3DPEHPK3PXPAERUKZ4JVPG66AIC' });
  const base32Invalid = ['MZXW6===x', 'MZXW1', 'M', 'MZX', 'MZXW6Y', 'MZ=XW6==', 'MZXW6YR', 'MZXW6YTB=', 'MZ======', '0ABC', 'MZXW6YTBOI=====!'];
  const otpauth = [
    { issuer: 'identity-mfa', account: 'ada@example.com', secret: 'JBSWY3DPEHPK3PXP', algorithm: 'SHA1', digits: 6, period: 30 },
    { issuer: 'Acme Co', account: 'ada lovelace', secret: 'JBSWY3DPEHPK3PXP', algorithm: 'SHA256', digits: 8, period: 60 },
    { issuer: 'a:b/c?d&e=f#g', account: 'x+y%z', secret: 'ABC', algorithm: 'SHA512', digits: 6, period: 30 },
    { issuer: 'Société Générale', account: '用户', secret: 'ABC', algorithm: 'SHA1', digits: 6, period: 30 },
    { issuer: "it's (mine)!*", account: '~._-', secret: 'ABC', algorithm: 'SHA1', digits: 7, period: 45 },
  ].map((o) => ({ ...o, url: ref.otpauthUrl(o) }));
  const recoveryCodes = ['0000000000000000', 'ffffffffffffffff', '0123456789abcdef', 'f000000000000001', '8421084210842108']
    .map((randomHex) => ({ randomHex, code: ref.recoveryCode(Buffer.from(randomHex, 'hex')) }));
  const normalize = [
    ['ABCD-EFGH-JKMN', 'ABCDEFGHJKMN'],
    ['abcd-efgh-jkmn', 'ABCDEFGHJKMN'],
    [' abcd efgh\tjkmn ', 'ABCDEFGHJKMN'],
    ['a-b-c--d', 'ABCD'],
    ['ábc', 'áBC'],
    ['', ''],
  ].map(([input, normalized]) => ({ input, normalized }));
  return { hotp, totp, base32, base32Invalid, otpauth, recoveryCodes, normalize };
}
