// The one function of npm `qrcode` the demo page uses, bundled for browsers
// by scripts/build-demo-assets.mjs into server/demo/vendor/qrcode.js.
import QRCode from 'qrcode';

/** An SVG (string) of `text` as a QR code; medium error correction. */
export function qrSvg(text) {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
