/**
 * Routers for everything the admin guard watches: case-sensitive, as the app is, because the guard
 * classified the request by its path in normal form (request-target.ts) and a router that ignored
 * case would find routes under spellings the guard never saw as theirs.
 */
import express from 'express';

export function exactRouter(): express.Router {
  return express.Router({ caseSensitive: true });
}
