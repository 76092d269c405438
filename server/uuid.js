// A user id as the path, the CLI and an import take it: a UUID, any case
// (ids are stored lower-case).
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
