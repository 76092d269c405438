// The error catalog of CONTRACT §4 for JavaScript. core/include/identity_mfa/errors.def is
// the one definition; tests/js/catalog.test.js holds this copy equal to the table the wasm core
// exports, so the two cannot drift.

/** @type {ReadonlyArray<{code: string, status: number, title: string, message: string}>} */
export const catalog = Object.freeze([
  Object.freeze({"code":"IDE-0001","status":400,"title":"Missing Fields in Request","message":"Your request is missing one or more required fields."}),
  Object.freeze({"code":"IDE-0003","status":400,"title":"Invalid Path Parameter","message":"The user ID in the path is not a valid UUID."}),
  Object.freeze({"code":"IDE-0004","status":400,"title":"Unexpected Fields in the Request","message":"The request body contains more fields than expected. Please send only the allowed fields."}),
  Object.freeze({"code":"IDE-0006","status":500,"title":"Internal Server Error","message":"The server encountered an unexpected error. Please try again later."}),
  Object.freeze({"code":"IDE-0007","status":400,"title":"Bad Request","message":"The server could not understand the request due to malformed syntax."}),
  Object.freeze({"code":"IDE-0008","status":401,"title":"Token Missing","message":"The request has no bearer token. Send an Authorization header in the 'Bearer <token>' format."}),
  Object.freeze({"code":"IDE-0009","status":401,"title":"Invalid Token","message":"The bearer token is invalid or has expired. Please sign in again."}),
  Object.freeze({"code":"IDE-0013","status":403,"title":"User ID Does Not Match Token Owner","message":"The user ID in the path does not match the owner of the token."}),
  Object.freeze({"code":"IDE-0040","status":400,"title":"MFA Already Enabled","message":"MFA is already enabled for this user."}),
  Object.freeze({"code":"IDE-0043","status":400,"title":"MFA Setup Not Initiated","message":"MFA setup has not been initiated for this user. Please call the setup endpoint first."}),
  Object.freeze({"code":"IDE-0044","status":400,"title":"MFA Invalid Type","message":"The provided MFA type is invalid. Accepted values are app, email, and sms."}),
  Object.freeze({"code":"IDE-0045","status":500,"title":"MFA Operation Failed","message":"The MFA operation failed due to an unexpected error. Please try again later."}),
  Object.freeze({"code":"IDE-1003","status":404,"title":"User ID Not Found","message":"The provided user ID does not exist in our records."}),
  Object.freeze({"code":"IDE-0901","status":400,"title":"Invalid Recovery Code","message":"The recovery code is not valid for this user."}),
  Object.freeze({"code":"IDE-0902","status":400,"title":"Invalid MFA Passcode","message":"The passcode is not valid. Please enter a current code and try again."}),
  Object.freeze({"code":"IDE-0903","status":400,"title":"MFA Passcode Not Verified","message":"The passcode for this MFA type has not been verified. Please call the verify endpoint first."}),
  Object.freeze({"code":"IDE-0904","status":400,"title":"MFA Secret Mismatch","message":"The secret does not match the one issued at setup."}),
  Object.freeze({"code":"IDE-0905","status":429,"title":"Too Many MFA Attempts","message":"Too many MFA attempts. Please wait before trying again."}),
  Object.freeze({"code":"IDE-0906","status":400,"title":"MFA Not Enabled","message":"MFA of this type is not enabled for this user."}),
  Object.freeze({"code":"IDE-0907","status":400,"title":"MFA Channel Unavailable","message":"The user has no email address or phone number for this MFA type."}),
  Object.freeze({"code":"IDE-0908","status":404,"title":"Route Not Found","message":"The requested route does not exist."}),
]);

const byCode = new Map(catalog.map((entry) => [entry.code, entry]));

/** The catalog entry of a code such as "IDE-0001", or undefined. */
export function catalogEntry(code) {
  return byCode.get(code);
}
