// Reading strings out of wasm memory. Most values the core hands back are
// short ASCII (field names, passcodes, codes), for which a plain loop beats
// TextDecoder's call overhead by a wide margin.
const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

export function readString(heap, ptr, length) {
  if (length > 32) return decoder.decode(heap.subarray(ptr, ptr + length));
  let text = '';
  for (let i = ptr, end = ptr + length; i < end; i++) {
    const byte = heap[i];
    if (byte > 0x7f) return decoder.decode(heap.subarray(ptr, ptr + length));
    text += String.fromCharCode(byte);
  }
  return text;
}

/**
 * Writes a body (string, Uint8Array, Buffer or ArrayBuffer) into wasm memory
 * at `ptr` (capacity `capacity`). Returns the body's length in bytes; a body
 * that does not fit is measured but not written.
 */
export function writeBody(heap, ptr, capacity, body) {
  if (typeof body === 'string') {
    // Each UTF-16 unit is at most 3 UTF-8 bytes; a longer string cannot fit.
    if (body.length * 3 <= capacity) {
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

export function isBody(body) {
  return typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer;
}
