// Reading strings out of wasm memory. The values the core hands back are
// short: per-call overhead matters more than throughput. In Node a Buffer
// over wasm memory decodes natively (measured ~3x faster than TextDecoder
// for 10–20 byte strings); browsers use TextDecoder, with a loop for short
// ASCII.
const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();
const NodeBuffer = globalThis.Buffer;

function readWithDecoder(heap, ptr, length) {
  if (length > 16) return decoder.decode(heap.subarray(ptr, ptr + length));
  let text = '';
  for (let i = ptr, end = ptr + length; i < end; i++) {
    const byte = heap[i];
    if (byte > 0x7f) return decoder.decode(heap.subarray(ptr, ptr + length));
    text += String.fromCharCode(byte);
  }
  return text;
}

const latin1Decoder = new TextDecoder('latin1');

/**
 * A function (ptr, length) → string over the module's current memory, for
 * `encoding` 'utf8' or 'latin1' (one char per byte; used only where the
 * bytes are known to be ASCII).
 */
export function createStringReader(module, encoding) {
  if (typeof NodeBuffer?.from !== 'function') {
    if (encoding === 'latin1') return (ptr, length) => latin1Decoder.decode(module.HEAPU8.subarray(ptr, ptr + length));
    return (ptr, length) => readWithDecoder(module.HEAPU8, ptr, length);
  }
  let heap = null;
  let view = null;
  return (ptr, length) => {
    // Memory growth replaces HEAPU8 and its buffer: follow it.
    if (heap !== module.HEAPU8) {
      heap = module.HEAPU8;
      view = NodeBuffer.from(heap.buffer, heap.byteOffset, heap.byteLength);
    }
    return view.toString(encoding, ptr, ptr + length);
  };
}

/**
 * The most bytes a body (string, Uint8Array, Buffer or ArrayBuffer) can take
 * in UTF-8: each UTF-16 unit of a string is at most 3 bytes.
 */
export function utf8Bound(body) {
  return typeof body === 'string' ? body.length * 3 : body.byteLength;
}

/**
 * Writes a body (string, Uint8Array, Buffer or ArrayBuffer) into wasm memory
 * at `ptr` (capacity `capacity`). Returns the body's length in bytes; a body
 * that does not fit is measured but not written.
 */
export function writeBody(heap, ptr, capacity, body) {
  if (typeof body === 'string') {
    // Short ASCII texts (a decision passes several: ids, names, the issuer)
    // by a loop: encodeInto costs ~0.2 µs a call, whatever the length.
    if (body.length <= SHORT && body.length <= capacity) {
      const written = writeShortAscii(heap, ptr, body);
      if (written >= 0) return written;
    }
    // Within the bound it is written in place; past it, measured first.
    if (utf8Bound(body) <= capacity) {
      return encoder.encodeInto(body, heap.subarray(ptr, ptr + capacity)).written;
    }
    const bytes = encoder.encode(body);
    if (bytes.length <= capacity) heap.set(bytes, ptr);
    return bytes.length;
  }
  const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : body;
  if (bytes.length <= capacity) heap.set(bytes, ptr);
  return bytes.length;
}

const SHORT = 32;
// The text's bytes at `ptr` if it is all ASCII (its length), else -1 (the
// bytes written so far are overwritten by the caller's encoder).
function writeShortAscii(heap, ptr, text) {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 0x7f) return -1;
    heap[ptr + i] = unit;
  }
  return text.length;
}

export function isBody(body) {
  return typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer;
}
